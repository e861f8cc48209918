package face

import (
	"image"
	"slices"
	"testing"
)

func TestUpsample(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    []float32
		w, h int
		dst  image.Rectangle
		want []uint8
	}{
		// Centres at x = −.25, .25, .75, 1.25 of the source: clamped 0,
		// ¼·255, ¾·255, clamped 255 (rounded).
		{"widen", []float32{0, 1}, 2, 1, image.Rect(0, 0, 4, 1), []uint8{0, 64, 191, 255}},
		// Same along y, on an image whose bounds do not start at 0.
		{"heighten offset", []float32{0, 1}, 1, 2, image.Rect(3, 5, 4, 9), []uint8{0, 64, 191, 255}},
		// Shrinking samples between the source centres.
		{"shrink", []float32{0, 0.5, 0.5, 1}, 4, 1, image.Rect(0, 0, 2, 1), []uint8{64, 191}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := image.NewGray(tc.dst)
			upsample(dst, tc.m, tc.w, tc.h)
			if !slices.Equal(dst.Pix, tc.want) {
				t.Errorf("got %v, want %v", dst.Pix, tc.want)
			}
		})
	}
}
