package photo

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// TestRowReaderYCbCr compares the fast YCbCr rows with color.YCbCrToRGB for every
// subsampling the JPEG decoders return, on a sub-image so that offsets are exercised.
func TestRowReaderYCbCr(t *testing.T) {
	for _, ratio := range []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440,
	} {
		m := image.NewYCbCr(image.Rect(0, 0, 37, 29), ratio)
		for i := range m.Y {
			m.Y[i] = uint8(i * 7)
		}
		for i := range m.Cb {
			m.Cb[i], m.Cr[i] = uint8(i*13), uint8(255-i*5)
		}
		sub := m.SubImage(image.Rect(5, 3, 33, 27)).(*image.YCbCr)
		read := rowReader(sub)
		buf := make([]float32, 3*28)
		for y := 3; y < 27; y++ {
			read(y, 5, 33, buf)
			for x := 5; x < 33; x++ {
				c := sub.YCbCrAt(x, y)
				r, g, b := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
				k := 3 * (x - 5)
				for i, want := range []uint8{r, g, b} {
					if math.Abs(float64(buf[k+i])-float64(want)) > 1.5 {
						t.Fatalf("%v (%d,%d) channel %d: %.1f, want %d", ratio, x, y, i, buf[k+i], want)
					}
				}
			}
		}
	}
}
