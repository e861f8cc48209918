package face

import (
	"image"
	"math"
	"testing"
)

// Degenerate sizes and detections must not panic, and must keep bounds.
func TestDegenerateInputs(t *testing.T) {
	e := testEngine(t)
	for _, r := range []image.Rectangle{
		image.Rect(0, 0, 1, 1), image.Rect(0, 0, 1, 900), image.Rect(0, 0, 900, 1),
		image.Rect(0, 0, 3, 2), image.Rect(-5, -7, 40, 30),
	} {
		img := image.NewNRGBA(r)
		for i := range img.Pix {
			img.Pix[i] = uint8(i * 7)
		}
		if _, err := e.Detect(img); err != nil {
			t.Errorf("%v: %v", r, err)
		}
		mask, err := e.Segment(img)
		if err != nil || mask.Bounds() != r {
			t.Errorf("%v: mask %v, %v", r, mask.Bounds(), err)
		}
		for _, d := range []Detection{
			{X0: -1e3, Y0: -1e3, X1: -900, Y1: -900},
			{X0: 0, Y0: 0, X1: 1e6, Y1: 1e6},
			{X0: 0.2, Y0: 0.1, X1: 0.3, Y1: 0.2},
		} {
			if _, err := e.Landmarks(img, d); err != nil {
				t.Errorf("%v %+v: %v", r, d, err)
			}
		}
		inf := math.Inf(1)
		for _, d := range []Detection{
			{X0: 5, X1: 5, Y0: 1, Y1: 2},
			{X0: 0, Y0: 0, X1: inf, Y1: 10},
			{X0: math.NaN(), Y0: 0, X1: 10, Y1: 10},
			{X0: 0, Y0: 0, X1: 10, Y1: 10, Keypoints: [6]Point{{X: inf}}},
		} {
			if _, err := e.Landmarks(img, d); err == nil {
				t.Errorf("%v: no error for detection %+v", r, d)
			}
		}
	}
}
