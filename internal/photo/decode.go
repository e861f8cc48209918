package photo

import (
	"bytes"
	"errors"
	"fmt"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/sportello/sportello/internal/photo/jpegscale"
)

// Limits bound what a single input may cost before any pixel is decoded.
type Limits struct {
	// MaxBytes is the largest file accepted; phone JPEGs are 2–8 MB.
	MaxBytes int64
	// MaxPixels is the largest width×height accepted, checked from the header so a
	// decompression bomb (tiny file, huge declared size) never allocates.
	MaxPixels int
}

// DefaultLimits fit a 50 MP camera with room to spare and keep peak memory near 300 MB.
var DefaultLimits = Limits{MaxBytes: 30 << 20, MaxPixels: 60_000_000}

// readLimited reads all of r, refusing more than max bytes without reading further.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, inputError(ErrNotImage, "impossibile leggere il file", "cannot read the file", err)
	}
	if int64(len(data)) > max {
		return nil, inputError(ErrTooLarge,
			fmt.Sprintf("file troppo grande: il massimo è %d MB", max>>20),
			fmt.Sprintf("file too large: the maximum is %d MB", max>>20), nil)
	}
	return data, nil
}

// sniff names the container from its magic bytes; the decoders' own sniffing would
// only tell us "unknown format", and the user deserves to hear "HEIC".
func sniff(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch string(b[8:12]) {
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1":
			return "heic"
		case "avif", "avis":
			return "avif"
		}
		return "video"
	case len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	case bytes.HasPrefix(b, []byte("GIF8")):
		return "gif"
	case bytes.HasPrefix(b, []byte("BM")) && len(b) > 26:
		return "bmp"
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "tiff"
	}
	return ""
}

// decodeBytes turns a file into upright pixels, or an InputError that says why not.
func decodeBytes(data []byte, lim Limits, analysisPixels int) (*source, error) {
	format := sniff(data)
	switch format {
	case "jpeg", "png":
	case "heic":
		return nil, inputError(ErrUnsupported,
			"formato HEIC non supportato: esporti la foto in JPEG",
			"HEIC format not supported: export the photo as JPEG", nil)
	case "":
		return nil, inputError(ErrNotImage,
			"il file non è un'immagine JPEG o PNG", "the file is not a JPEG or PNG image", nil)
	default:
		return nil, inputError(ErrUnsupported,
			fmt.Sprintf("formato %s non supportato: usi una foto JPEG", format),
			fmt.Sprintf("%s format not supported: use a JPEG photo", format), nil)
	}
	if format == "jpeg" {
		return decodeJPEG(data, lim, analysisPixels)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, decodeError(err)
	}
	if err := checkSize(cfg.Width, cfg.Height, lim); err != nil {
		return nil, err
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, decodeError(err)
	}
	up := orient(img, pngOrientation(data))
	b := up.Bounds()
	return &source{format: format, w: b.Dx(), h: b.Dy(), orient: 1, full: up}, nil
}

// decodeJPEG entropy-decodes once and renders the whole picture at the coarsest of 1/2,
// 1/4, 1/8 that still gives the analysis at least ~0.7 of its pixels.
func decodeJPEG(data []byte, lim Limits, analysisPixels int) (*source, error) {
	cfg, err := jpegscale.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, decodeError(err)
	}
	if err := checkSize(cfg.Width, cfg.Height, lim); err != nil {
		return nil, err
	}
	denom := 1
	for _, d := range []int{8, 4, 2} {
		if float64(cfg.Width*cfg.Height)/float64(d*d) >= 0.7*float64(analysisPixels) {
			denom = d
			break
		}
	}
	c, err := jpegscale.DecodeCoefficients(bytes.NewReader(data), jpegscale.Options{Scale: denom, MaxPixels: int64(lim.MaxPixels)})
	if err != nil {
		return nil, decodeError(err)
	}
	preview, err := c.Image(denom)
	if err != nil {
		return nil, decodeError(err)
	}
	s := &source{format: "jpeg", orient: jpegscale.Orientation(data), coeff: c, preview: preview, previewDenom: denom}
	s.w, s.h = cfg.Width, cfg.Height
	if s.orient >= 5 {
		s.w, s.h = s.h, s.w
	}
	return s, nil
}

// checkSize refuses a declared size over the pixel limit before anything is allocated.
func checkSize(w, h int, lim Limits) error {
	if w <= 0 || h <= 0 {
		return inputError(ErrNotImage, "immagine vuota", "empty image", nil)
	}
	if int64(w)*int64(h) > int64(lim.MaxPixels) {
		mp := float64(lim.MaxPixels) / 1e6
		return inputError(ErrTooLarge,
			fmt.Sprintf("immagine troppo grande (%d×%d): il massimo è %.0f megapixel", w, h, mp),
			fmt.Sprintf("image too large (%d×%d): the maximum is %.0f megapixels", w, h, mp), nil)
	}
	return nil
}

// decodeError sorts a decoder failure into truncated or corrupt.
func decodeError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return inputError(ErrTruncated,
			"il file è incompleto (troncato): lo carichi di nuovo",
			"the file is incomplete (truncated): upload it again", err)
	}
	if errors.Is(err, jpegscale.ErrTooLarge) {
		return inputError(ErrTooLarge, "immagine troppo grande", "image too large", err)
	}
	var ue jpeg.UnsupportedError
	var sue jpegscale.UnsupportedError
	if errors.As(err, &ue) || errors.As(err, &sue) {
		return inputError(ErrUnsupported,
			"variante di JPEG non supportata: esporti di nuovo la foto in JPEG standard",
			"unsupported JPEG variant: export the photo again as a standard JPEG", err)
	}
	return inputError(ErrNotImage,
		"il file è danneggiato o non è un'immagine valida",
		"the file is damaged or not a valid image", err)
}
