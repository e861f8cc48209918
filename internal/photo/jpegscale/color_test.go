package jpegscale

import (
	"bytes"
	"image"
	"image/draw"
	"testing"
)

// TestToRGBAEqualsDraw checks the fast conversions against image/draw on
// every colour model and sampling ratio of the fixtures, whole and cropped at
// odd offsets (where the chroma of a subsampled image starts mid-pair).
func TestToRGBAEqualsDraw(t *testing.T) {
	for _, name := range append(fixtures, "YCbCrK") {
		var data []byte
		if name == "YCbCrK" {
			data = ycbcrkFixture(t)
		} else {
			data = readFixture(t, name)
		}
		c, err := DecodeCoefficients(bytes.NewReader(data), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []image.Rectangle{c.Bounds(), image.Rect(3, 5, 77, 61), image.Rect(1, 1, 2, 2)} {
			for _, s := range []int{1, 2} {
				m, err := c.Crop(r, s)
				if err != nil {
					t.Fatal(err)
				}
				got := ToRGBA(m)
				want := image.NewRGBA(m.Bounds())
				draw.Draw(want, want.Bounds(), m, m.Bounds().Min, draw.Src)
				if got.Bounds() != want.Bounds() {
					t.Fatalf("%s %v 1/%d: bounds %v, want %v", name, r, s, got.Bounds(), want.Bounds())
				}
				if d := diffImages(t, got, want); d != 0 {
					t.Errorf("%s %v 1/%d (%T): differs from image/draw by %d", name, r, s, m, d)
				}
			}
		}
	}
}
