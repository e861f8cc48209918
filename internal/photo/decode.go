package photo

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
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

// source is a decoded input: pixels already turned upright by the EXIF orientation.
type source struct {
	img    image.Image
	format string
}

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
func decodeBytes(data []byte, lim Limits) (*source, error) {
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
	var cfg image.Config
	var err error
	if format == "jpeg" {
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	} else {
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil {
		return nil, decodeError(err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, inputError(ErrNotImage, "immagine vuota", "empty image", nil)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(lim.MaxPixels) {
		mp := float64(lim.MaxPixels) / 1e6
		return nil, inputError(ErrTooLarge,
			fmt.Sprintf("immagine troppo grande (%d×%d): il massimo è %.0f megapixel", cfg.Width, cfg.Height, mp),
			fmt.Sprintf("image too large (%d×%d): the maximum is %.0f megapixels", cfg.Width, cfg.Height, mp), nil)
	}
	var img image.Image
	if format == "jpeg" {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, decodeError(err)
	}
	o := 1
	if format == "jpeg" {
		o = jpegOrientation(data)
	} else {
		o = pngOrientation(data)
	}
	return &source{img: orient(img, o), format: format}, nil
}

// decodeError sorts a decoder failure into truncated or corrupt.
func decodeError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return inputError(ErrTruncated,
			"il file è incompleto (troncato): lo carichi di nuovo",
			"the file is incomplete (truncated): upload it again", err)
	}
	var fe jpeg.FormatError
	var ue jpeg.UnsupportedError
	if errors.As(err, &ue) {
		return inputError(ErrUnsupported,
			"variante di JPEG non supportata: esporti di nuovo la foto in JPEG standard",
			"unsupported JPEG variant: export the photo again as a standard JPEG", err)
	}
	_ = fe
	return inputError(ErrNotImage,
		"il file è danneggiato o non è un'immagine valida",
		"the file is damaged or not a valid image", err)
}
