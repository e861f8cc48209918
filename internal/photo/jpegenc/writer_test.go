package jpegenc

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"testing"
)

// quantize must be div for every divisor the encoder uses and every value the
// FDCT can give, and beyond.
func TestQuantizeIsDiv(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for q := int32(1); q <= 255; q++ {
		d := 8 * q
		m := recip(d)
		for a := int32(-1 << 17); a <= 1<<17; a++ {
			if got, want := quantize(a, d, m), div(a, d); got != want {
				t.Fatalf("quantize(%d, %d) = %d, div gives %d", a, d, got, want)
			}
		}
		for range 2000 {
			a := int32(r.Uint32())
			if a == -1<<31 {
				continue // div overflows there too
			}
			if got, want := quantize(a, d, m), div(a, d); got != want {
				t.Fatalf("quantize(%d, %d) = %d, div gives %d", a, d, got, want)
			}
		}
	}
}

// The fork must write exactly what image/jpeg writes.
func TestEncodeMatchesStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const w, h = 123, 77
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			p := rgba.PixOffset(x, y)
			// A gradient with noise: smooth areas and busy ones.
			rgba.Pix[p] = uint8(2*x + r.IntN(20))
			rgba.Pix[p+1] = uint8(3*y + r.IntN(60))
			rgba.Pix[p+2] = uint8(x*y/40 + r.IntN(5))
			rgba.Pix[p+3] = 255
		}
	}
	ycc := image.NewYCbCr(rgba.Rect, image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = uint8(r.IntN(256))
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = uint8(100+r.IntN(50)), uint8(i)
	}
	gray := image.NewGray(rgba.Rect)
	copy(gray.Pix, ycc.Y)
	for _, m := range []image.Image{rgba, ycc, gray, ycc.SubImage(image.Rect(5, 9, 100, 70))} {
		for _, q := range []int{1, 30, 50, 75, 90, 95, 100} {
			var got, want bytes.Buffer
			if err := Encode(&got, m, &Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			if err := jpeg.Encode(&want, m, &jpeg.Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("%T quality %d: output differs from image/jpeg's", m, q)
			}
		}
	}
}
