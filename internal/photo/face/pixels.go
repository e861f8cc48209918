package face

import (
	"image"
	"image/draw"
)

// pixels is a read-only view of 8-bit RGBA-ordered samples. *image.RGBA and
// *image.NRGBA are used in place; anything else is converted once.
type pixels struct {
	pix    []uint8
	stride int
	w, h   int
	min    image.Point // bounds origin, added to every point reported
}

func pixelsOf(img image.Image) pixels {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.RGBA:
		return pixels{m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, b.Dx(), b.Dy(), b.Min}
	case *image.NRGBA:
		return pixels{m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, b.Dx(), b.Dy(), b.Min}
	}
	// draw has fast paths for *image.YCbCr and *image.Gray, the other
	// common decoder outputs.
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
	return pixels{dst.Pix, dst.Stride, b.Dx(), b.Dy(), b.Min}
}
