package photo

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"math"
	"os"
	"reflect"
	"sync"
	"testing"

	"github.com/sportello/sportello/internal/testenv"
)

func TestCropPassesCheck(t *testing.T) {
	testenv.SkipShort(t, "runs the face models")
	e := testEngine(t)
	tests := []string{
		"testdata/portraits/compliant/london_004_neutral.jpg",
		"testdata/portraits/compliant/london_012_neutral.jpg",
		"testdata/portraits/compliant/london_030_neutral.jpg",
		"testdata/portraits/compliant/canada_003f.jpg",
		"testdata/portraits/compliant/canada_044f.jpg",
	}
	for _, path := range tests {
		t.Run(path, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c, err := e.Crop(context.Background(), bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if len(c.JPEG) > MaxCropBytes {
				t.Fatalf("%d bytes, over 500 KB", len(c.JPEG))
			}
			if bytes.Contains(c.JPEG[:min(len(c.JPEG), 4096)], []byte("Exif")) {
				t.Fatal("metadata left in the output")
			}
			// JFIF density: units 1 (dpi), then X and Y, so that 45 mm holds the height.
			if string(c.JPEG[6:11]) != "JFIF\x00" || c.JPEG[13] != 1 {
				t.Fatalf("no JFIF density header: % x", c.JPEG[:20])
			}
			if d := int(c.JPEG[14])<<8 | int(c.JPEG[15]); d < 400 || math.Abs(float64(c.Height)/float64(d)*25.4-45) > 0.1 {
				t.Fatalf("%d dpi for %d px: not 45 mm", d, c.Height)
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(c.JPEG))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Width < 551 || cfg.Height < 709 || cfg.Height > maxOutHeight {
				t.Fatalf("output %dx%d", cfg.Width, cfg.Height)
			}
			if a := float64(cfg.Width) / float64(cfg.Height); a < frameAspect-0.005 || a > frameAspect+0.005 {
				t.Fatalf("aspect %.4f, want 35/45", a)
			}
			rep, err := e.Check(context.Background(), bytes.NewReader(c.JPEG))
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Compliant {
				t.Fatalf("the crop fails %v", rep.Failed())
			}
			g, _ := rep.Check("crop_geometry")
			t.Logf("%dx%d q%d %d KB; re-check: %s", cfg.Width, cfg.Height, c.Quality, len(c.JPEG)>>10, g.Note)
		})
	}
}

func TestCropRefuses(t *testing.T) {
	testenv.SkipShort(t, "runs the face models")
	e := testEngine(t)
	base := loadRGBA(t, synthBase)
	b := base.Bounds()
	cases := []struct {
		name string
		data []byte
	}{
		{"head cut off", encodeJPEG(t, subImage(base, image.Rect(0, b.Dy()*3/10, b.Dx(), b.Dy())), 95)},
		{"too little resolution", encodeJPEG(t, resample(base, fullRect(base), 420, 420), 95)},
		{"no face", encodeJPEG(t, gradient(800, 1000), 95)},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Crop(context.Background(), bytes.NewReader(tt.data))
			if !errors.Is(err, ErrNoCrop) {
				t.Fatalf("got %v, want ErrNoCrop", err)
			}
			t.Log(err)
		})
	}
}

// TestConcurrentChecks runs checks of different portraits at once on one Engine: the
// reports must equal those of the same checks run one after the other.
func TestConcurrentChecks(t *testing.T) {
	testenv.SkipShort(t, "runs the face models")
	e := testEngine(t)
	files := []string{
		"testdata/portraits/compliant/london_004_neutral.jpg",
		"testdata/portraits/noncompliant/smile/london_004_smiling.jpg",
		"testdata/portraits/noncompliant_derived/two_faces/london_005_plus_025.jpg",
	}
	want := make([]*Report, len(files))
	data := make([][]byte, len(files))
	for i, f := range files {
		var err error
		if data[i], err = os.ReadFile(f); err != nil {
			t.Fatal(err)
		}
		if want[i], err = e.Check(context.Background(), bytes.NewReader(data[i])); err != nil {
			t.Fatal(err)
		}
	}
	got := make([]*Report, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for i := range files {
		wg.Go(func() { got[i], errs[i] = e.Check(context.Background(), bytes.NewReader(data[i])) })
	}
	wg.Wait()
	for i := range files {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%s: concurrent report differs from the sequential one", files[i])
		}
	}
}

// TestCropSize: a crop is rendered from the coarsest DCT scale that still gives it at least
// goodOutHeight rows, and always within the 709–1063 px the CIE accepts.
func TestCropSize(t *testing.T) {
	for _, c := range []struct {
		h         float64
		oh, denom int
	}{
		{600, 709, 1}, {709, 709, 1}, {1000, 1000, 1}, {1500, 1063, 1}, {1799, 1063, 1},
		{1800, 900, 2}, {2050, 1025, 2}, {3000, 1063, 2}, {3600, 900, 4}, {4000, 1000, 4}, {9000, 1063, 8},
	} {
		if oh, d := cropSize(c.h); oh != c.oh || d != c.denom {
			t.Errorf("cropSize(%v) = %d, 1/%d; want %d, 1/%d", c.h, oh, d, c.oh, c.denom)
		}
	}
}
