package face

import (
	"image"
	"image/draw"
	"image/jpeg"
	"math"
	"os"
	"sync"
	"testing"
)

// Any image type gives the same faces as the *image.RGBA fast path.
func TestDetectAcceptsAnyImageType(t *testing.T) {
	e := testEngine(t)
	f, err := os.Open("testdata/obama_small.jpg")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ycc, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	rgba := image.NewRGBA(ycc.Bounds())
	draw.Draw(rgba, rgba.Bounds(), ycc, image.Point{}, draw.Src)
	nrgba := image.NewNRGBA(ycc.Bounds())
	draw.Draw(nrgba, nrgba.Bounds(), ycc, image.Point{}, draw.Src)
	// A sub-image whose bounds do not start at 0,0 must report points in
	// its own coordinates.
	big := image.NewRGBA(image.Rect(0, 0, 420, 300))
	draw.Draw(big, image.Rect(100, 60, 420, 300), rgba, image.Point{}, draw.Src)
	sub := big.SubImage(image.Rect(100, 60, 420, 300))

	want, err := e.Detect(rgba)
	if err != nil || len(want) != 1 {
		t.Fatalf("RGBA: %d faces, %v", len(want), err)
	}
	wantMesh, err := e.Landmarks(rgba, want[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		img   image.Image
		shift float64
	}{
		{"YCbCr", ycc, 0}, {"NRGBA", nrgba, 0}, {"RGBA sub-image", sub, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.Detect(tc.img)
			if err != nil || len(got) != 1 {
				t.Fatalf("%d faces, %v", len(got), err)
			}
			// JPEG colour conversion differs by a level here and there.
			if d := math.Abs(got[0].X0 - tc.shift - want[0].X0); d > 1 {
				t.Errorf("box left %.1f, want %.1f", got[0].X0-tc.shift, want[0].X0)
			}
			m, err := e.Landmarks(tc.img, got[0])
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(m.Points[1].X - tc.shift - wantMesh.Points[1].X); d > 1 {
				t.Errorf("nose tip x %.1f, want %.1f", m.Points[1].X-tc.shift, wantMesh.Points[1].X)
			}
		})
	}
	if _, err := e.Segment(ycc); err != nil {
		t.Fatal(err)
	}
}

// Many goroutines on one Engine get the results of a serial run.
func TestEngineConcurrentUse(t *testing.T) {
	e := testEngine(t)
	img := loadRGBA(t, "obama_small.jpg")
	want, err := e.Detect(img)
	if err != nil || len(want) != 1 {
		t.Fatalf("%d faces, %v", len(want), err)
	}
	wantMesh, err := e.Landmarks(img, want[0])
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 2 {
				got, err := e.Detect(img)
				if err != nil || len(got) != 1 || got[0] != want[0] {
					errs <- "detection differs"
					return
				}
				m, err := e.Landmarks(img, got[0])
				if err != nil || m.Points != wantMesh.Points {
					errs <- "mesh differs"
					return
				}
				if _, err := e.Segment(img); err != nil {
					errs <- err.Error()
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}
