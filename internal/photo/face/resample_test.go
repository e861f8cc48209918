package face

import (
	"image"
	"math"
	"testing"
)

// grey builds an RGBA image whose three channels hold v.
func grey(w, h int, v ...uint8) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i, x := range v {
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = x, x, x, 255
	}
	return img
}

func TestResizeAveragesAndLetterboxes(t *testing.T) {
	// 4×2: rows (0 100 200 40) and (20 60 0 80). Halving averages 2×2
	// blocks: (0+100+20+60)/4 = 45 and (200+40+0+80)/4 = 80.
	p := pixelsOf(grey(4, 2, 0, 100, 200, 40, 20, 60, 0, 80))
	var buf []float32
	for _, tc := range []struct {
		name   string
		dw     int
		ox, sx float64
		want   []float32
	}{
		{"halve", 2, 0, 2, []float32{45, 80}},
		// Shifted left by one output pixel: black bars either side.
		{"letterbox", 4, -2, 2, []float32{0, 45, 80, 0}},
		// Doubling is linear between centres, clamped at the edges:
		// row means are 10, 80, 100, 60.
		{"double", 8, 0, 0.5, []float32{10, 27.5, 62.5, 85, 95, 90, 70, 60}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := make([]float32, 3*tc.dw)
			resize(dst, tc.dw, 1, &p, tc.ox, 0, tc.sx, 2, 0, 255, &buf)
			for u, want := range tc.want {
				if math.Abs(float64(dst[3*u]-want)) > 1e-3 {
					t.Errorf("pixel %d = %v, want %v (all: %v)", u, dst[3*u], want, dst)
					break
				}
			}
		})
	}
}

func TestWarpFollowsTheAffineMap(t *testing.T) {
	// 4×4 image with value 10·x + y·50; a 2×2 crop taking every other
	// pixel centre from (1,1): samples at (1.5,1.5)+(2u,2v) minus ½, i.e.
	// pixel centres (1,1), (3,1), (1,3), (3,3).
	var v []uint8
	for y := range 4 {
		for x := range 4 {
			v = append(v, uint8(10*x+50*y))
		}
	}
	p := pixelsOf(grey(4, 4, v...))
	dst := make([]float32, 12)
	warp(dst, 2, &p, affine{a: 2, c: 0.5, e: 2, f: 0.5}, 1, 0, 255)
	for i, want := range []float32{60, 80, 160, 180} {
		if math.Abs(float64(dst[3*i]-want)) > 1e-3 {
			t.Errorf("sample %d = %v, want %v", i, dst[3*i], want)
		}
	}
}
