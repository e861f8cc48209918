package photo

import "errors"

// Sentinel kinds of refusal, so callers can map them to a status (400 vs 413) with errors.Is
// while the user still reads the plain-language reason in InputError.
var (
	// ErrUnsupported marks a real image in a format we do not decode (HEIC, WebP, …).
	ErrUnsupported = errors.New("photo: unsupported image format")
	// ErrTooLarge marks input over the byte or pixel limit, refused before decoding.
	ErrTooLarge = errors.New("photo: image too large")
	// ErrTruncated marks a file that ends before its image data does.
	ErrTruncated = errors.New("photo: truncated image")
	// ErrNotImage marks input that is neither JPEG nor PNG nor any image we recognise.
	ErrNotImage = errors.New("photo: not an image")
	// ErrNoCrop marks a portrait from which no compliant CIE crop can be cut.
	ErrNoCrop = errors.New("photo: no compliant crop possible")
)

// InputError explains, in Italian and English, why an input was refused; it wraps one of
// the sentinel kinds above and, when there is one, the decoder's own error.
type InputError struct {
	Kind error
	IT   string
	EN   string
	Err  error
}

// Error gives the English reason, then the decoder's own words when there are any.
func (e *InputError) Error() string {
	if e.Err != nil {
		return e.EN + ": " + e.Err.Error()
	}
	return e.EN
}

// Unwrap lets errors.Is match both the kind and the underlying decoder error.
func (e *InputError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

func inputError(kind error, it, en string, err error) *InputError {
	return &InputError{Kind: kind, IT: it, EN: en, Err: err}
}
