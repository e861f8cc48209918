package face

import (
	"image"
	"testing"
)

// benchFrames are a 640×480 booth frame (the London portrait scaled into
// it) and a ~1 MP photo (obama.jpg, 910×1137).
func benchFrames(b *testing.B) []struct {
	name string
	img  *image.RGBA
} {
	b.Helper()
	src := loadRGBA(b, "london_001_neutral.jpg")
	frame := image.NewRGBA(image.Rect(0, 0, 640, 480))
	p := pixelsOf(src)
	// Fit the square portrait's height into 480 rows, centred.
	s := float64(src.Bounds().Dy()) / 480
	for y := range 480 {
		for x := range 640 {
			r, g, bb := p.bilinear((float64(x)-80+0.5)*s-0.5, (float64(y)+0.5)*s-0.5)
			i := frame.PixOffset(x, y)
			frame.Pix[i], frame.Pix[i+1], frame.Pix[i+2], frame.Pix[i+3] = uint8(r), uint8(g), uint8(bb), 255
		}
	}
	return []struct {
		name string
		img  *image.RGBA
	}{{"640x480", frame}, {"1MP", loadRGBA(b, "obama.jpg")}}
}

func BenchmarkDetect(b *testing.B) {
	e := testEngine(b)
	for _, f := range benchFrames(b) {
		b.Run(f.name, func(b *testing.B) {
			c := startCPU()
			for b.Loop() {
				if _, err := e.Detect(f.img); err != nil {
					b.Fatal(err)
				}
			}
			c.report(b)
		})
	}
}

func BenchmarkLandmarks(b *testing.B) {
	e := testEngine(b)
	for _, f := range benchFrames(b) {
		dets, err := e.Detect(f.img)
		if err != nil || len(dets) == 0 {
			b.Fatalf("%s: %d faces, %v", f.name, len(dets), err)
		}
		b.Run(f.name, func(b *testing.B) {
			c := startCPU()
			for b.Loop() {
				if _, err := e.Landmarks(f.img, dets[0]); err != nil {
					b.Fatal(err)
				}
			}
			c.report(b)
		})
	}
}

func BenchmarkRefinedLandmarks(b *testing.B) {
	e := testEngine(b)
	for _, f := range benchFrames(b) {
		dets, err := e.Detect(f.img)
		if err != nil || len(dets) == 0 {
			b.Fatalf("%s: %d faces, %v", f.name, len(dets), err)
		}
		b.Run(f.name, func(b *testing.B) {
			c := startCPU()
			for b.Loop() {
				if _, err := e.RefinedLandmarks(f.img, dets[0]); err != nil {
					b.Fatal(err)
				}
			}
			c.report(b)
		})
	}
}

func BenchmarkSegment(b *testing.B) {
	e := testEngine(b)
	for _, f := range benchFrames(b) {
		b.Run(f.name, func(b *testing.B) {
			c := startCPU()
			for b.Loop() {
				if _, err := e.Segment(f.img); err != nil {
					b.Fatal(err)
				}
			}
			c.report(b)
		})
	}
}

// BenchmarkAll is one booth analysis: detect, mesh of the best face, mask.
// The target is ≤ 66 ms per op with GOMAXPROCS=1 (≥ 15 frames/s).
func BenchmarkAll(b *testing.B) {
	e := testEngine(b)
	for _, f := range benchFrames(b) {
		b.Run(f.name, func(b *testing.B) {
			c := startCPU()
			for b.Loop() {
				dets, err := e.Detect(f.img)
				if err != nil || len(dets) == 0 {
					b.Fatal(err)
				}
				if _, err := e.Landmarks(f.img, dets[0]); err != nil {
					b.Fatal(err)
				}
				if _, err := e.Segment(f.img); err != nil {
					b.Fatal(err)
				}
			}
			c.report(b)
		})
	}
}
