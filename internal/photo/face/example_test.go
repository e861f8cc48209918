package face_test

import (
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg"
	"os"

	"github.com/sportello/sportello/internal/photo/face"
)

// A booth or upload handler: find faces, measure the best one, mask the
// background.
func Example() {
	f, err := os.Open("testdata/london_001_neutral.jpg")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		panic(err)
	}
	// *image.RGBA and *image.NRGBA are read in place; other types are
	// converted once per call.
	img := image.NewRGBA(src.Bounds())
	draw.Draw(img, img.Bounds(), src, src.Bounds().Min, draw.Src)

	e, err := face.New() // load once, share between goroutines
	if err != nil {
		panic(err)
	}
	dets, err := e.Detect(img)
	if err != nil {
		panic(err)
	}
	fmt.Println("faces:", len(dets))

	m, err := e.RefinedLandmarks(img, dets[0])
	if err != nil {
		panic(err)
	}
	right, left := m.Refined.EyeOpenness()
	fmt.Printf("roll within 5°: %v, eyes open: %v\n", m.Roll() > -5 && m.Roll() < 5, right > 0.15 && left > 0.15)

	mask, err := e.Segment(img)
	if err != nil {
		panic(err)
	}
	fmt.Println("corner is background:", mask.GrayAt(10, 10).Y < 128)
	// Output:
	// faces: 1
	// roll within 5°: true, eyes open: true
	// corner is background: true
}
