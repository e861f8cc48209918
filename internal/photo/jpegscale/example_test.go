package jpegscale_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"log"

	"github.com/sportello/sportello/internal/photo/jpegscale"
)

// The photo engine's use: decode the file once, analyse a small render, then
// render full-size pixels only where the photo is cut.
func ExampleDecodeCoefficients() {
	src := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range src.Pix {
		src.Pix[i] = uint8(i % 251)
	}
	var file bytes.Buffer
	if err := jpeg.Encode(&file, src, nil); err != nil {
		log.Fatal(err)
	}

	data := file.Bytes()
	cfg, err := jpegscale.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("declared:", cfg.Width, "x", cfg.Height, cfg.ColorModel == color.GrayModel)
	c, err := jpegscale.DecodeCoefficients(bytes.NewReader(data), jpegscale.Options{MaxPixels: 24_000_000})
	if err != nil {
		log.Fatal(err)
	}
	small, err := c.Image(4) // For the face models: a quarter of each side.
	if err != nil {
		log.Fatal(err)
	}
	crop, err := c.Crop(image.Rect(200, 100, 455, 430), 1) // Full size, where the photo is cut.
	if err != nil {
		log.Fatal(err)
	}
	rgba := jpegscale.ToRGBA(small)
	fmt.Println("analysis:", rgba.Bounds(), "crop:", crop.Bounds())
	fmt.Println("orientation:", jpegscale.Orientation(data))
	// Output:
	// declared: 640 x 480 true
	// analysis: (0,0)-(160,120) crop: (200,100)-(455,430)
	// orientation: 1
}
