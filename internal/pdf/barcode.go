package pdf

import (
	"bytes"
	"image/png"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"
)

// BarcodePNG draws payload as a Code 128 PNG for screens (the kiosk's receipt view),
// three pixels per module like the printed one.
func BarcodePNG(payload string) ([]byte, error) {
	bc, err := code128.Encode(payload)
	if err != nil {
		return nil, err
	}
	scaled, err := barcode.Scale(bc, bc.Bounds().Dx()*3, 90)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, gray(scaled)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
