package photo

import (
	"encoding/binary"
	"image"
	"image/color"
	"testing"
)

// TestRenderOrientedScaled follows a red corner through every orientation at reduced and
// full scale, on a JPEG large enough that the analysis uses the 1/4 render.
func TestRenderOrientedScaled(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := 0; y < 1200; y++ {
		for x := 0; x < 1600; x++ {
			img.Set(x, y, color.RGBA{40, 120, 200, 255})
			if x < 160 && y < 160 {
				img.Set(x, y, color.RGBA{250, 10, 10, 255})
			}
		}
	}
	base := encodeJPEG(t, img, 90)
	tests := []struct {
		o    uint16
		w, h int
		u, v float64 // the red corner's position upright, as a share of width and height
	}{
		{1, 1600, 1200, 0, 0},
		{3, 1600, 1200, 1, 1},
		{6, 1200, 1600, 1, 0},
		{8, 1200, 1600, 0, 1},
		{5, 1200, 1600, 0, 0},
	}
	for _, tt := range tests {
		src, err := decodeBytes(withOrientation(base, tt.o, binary.BigEndian), DefaultLimits, 100_000)
		if err != nil {
			t.Fatal(err)
		}
		if src.w != tt.w || src.h != tt.h || src.previewDenom != 4 {
			t.Fatalf("o=%d: %dx%d denom %d", tt.o, src.w, src.h, src.previewDenom)
		}
		red := func(m image.Image, x, y int) bool {
			r, g, _, _ := m.At(x, y).RGBA()
			return r>>8 > 200 && g>>8 < 60
		}
		small, err := src.analysisImage(100_000)
		if err != nil {
			t.Fatal(err)
		}
		sb := small.Bounds()
		sx := int(tt.u*float64(sb.Dx()-1)*0.98 + (1-tt.u)*5)
		sy := int(tt.v*float64(sb.Dy()-1)*0.98 + (1-tt.v)*5)
		if !red(small, sx, sy) {
			t.Errorf("o=%d: analysis image (%dx%d) not red at %d,%d", tt.o, sb.Dx(), sb.Dy(), sx, sy)
		}
		// A full-size render of a 100×100 patch at the corner must be red throughout.
		cx, cy := tt.u*float64(tt.w-100), tt.v*float64(tt.h-100)
		patch, err := src.renderAt(rect{cx, cy, cx + 100, cy + 100}, 100, 100)
		if err != nil {
			t.Fatal(err)
		}
		if !red(patch, 10, 10) || !red(patch, 90, 90) || !red(patch, 50, 50) {
			t.Errorf("o=%d: full-size patch at the corner is not red", tt.o)
		}
		// And the opposite corner must not be.
		ox, oy := (1-tt.u)*float64(tt.w-100), (1-tt.v)*float64(tt.h-100)
		far, err := src.renderAt(rect{ox, oy, ox + 100, oy + 100}, 50, 50)
		if err != nil {
			t.Fatal(err)
		}
		if red(far, 25, 25) {
			t.Errorf("o=%d: the far corner is red", tt.o)
		}
	}
}
