// Package boothtest makes test inputs for the booth: paths to the repository's test
// portraits, resized copies, and Y4M files for Chromium's fake camera.
package boothtest

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func portraits() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "photo", "testdata", "portraits")
}

// CompliantPortrait is a studio portrait the engine accepts (CC BY, see its SOURCES.md).
func CompliantPortrait() string { return filepath.Join(portraits(), "compliant", "canada_003f.jpg") }

// NonCompliantPortrait wears sunglasses and looks away.
func NonCompliantPortrait() string {
	return filepath.Join(portraits(), "noncompliant", "sunglasses", "interfaces_043.jpg")
}

// Load decodes a JPEG file.
func Load(tb testing.TB, path string) image.Image {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return img
}

// JPEG encodes img at quality q.
func JPEG(tb testing.TB, img image.Image, q int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// Resize scales src to w×h with a box filter (each output pixel averages the source
// pixels it covers), good enough for downscaling test portraits without aliasing.
func Resize(src image.Image, w, h int) *image.RGBA {
	b := src.Bounds()
	rgba := image.NewRGBA(b)
	draw.Draw(rgba, b, src, b.Min, draw.Src)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	sw, sh := b.Dx(), b.Dy()
	for y := 0; y < h; y++ {
		y0, y1 := y*sh/h, max((y+1)*sh/h, y*sh/h+1)
		for x := 0; x < w; x++ {
			x0, x1 := x*sw/w, max((x+1)*sw/w, x*sw/w+1)
			var r, g, bl, n int
			for yy := y0; yy < y1 && yy < sh; yy++ {
				i := yy*rgba.Stride + x0*4
				for xx := x0; xx < x1 && xx < sw; xx++ {
					r += int(rgba.Pix[i])
					g += int(rgba.Pix[i+1])
					bl += int(rgba.Pix[i+2])
					n++
					i += 4
				}
			}
			o := y*out.Stride + x*4
			out.Pix[o], out.Pix[o+1], out.Pix[o+2], out.Pix[o+3] = uint8(r/n), uint8(g/n), uint8(bl/n), 255
		}
	}
	return out
}

// Shrunk draws src at scale (0–1] in the middle of a w×h frame filled with the colour
// of src's top-left corner: the same person standing further from the camera.
func Shrunk(src image.Image, w, h int, scale float64) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	bg := src.At(src.Bounds().Min.X+2, src.Bounds().Min.Y+2)
	draw.Draw(out, out.Bounds(), &image.Uniform{bg}, image.Point{}, draw.Src)
	sw, sh := int(float64(w)*scale), int(float64(h)*scale)
	small := Resize(src, sw, sh)
	off := image.Pt((w-sw)/2, h-sh) // standing on the bottom edge, shoulders in frame
	draw.Draw(out, small.Bounds().Add(off), small, image.Point{}, draw.Src)
	return out
}

// WriteY4M writes frames (all the same size, even width and height) as a YUV4MPEG2 file
// with 4:2:0 chroma, which Chromium's --use-file-for-fake-video-capture plays in a loop.
func WriteY4M(path string, fps int, frames ...image.Image) error {
	if len(frames) == 0 {
		return fmt.Errorf("no frames")
	}
	b := frames[0].Bounds()
	w, h := b.Dx(), b.Dy()
	if w%2 != 0 || h%2 != 0 {
		return fmt.Errorf("odd frame size %dx%d", w, h)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(bw, "YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 C420jpeg\n", w, h, fps)
	yp := make([]byte, w*h)
	up := make([]byte, w*h/4)
	vp := make([]byte, w*h/4)
	for _, fr := range frames {
		if fr.Bounds().Dx() != w || fr.Bounds().Dy() != h {
			f.Close()
			return fmt.Errorf("frame size differs")
		}
		fb := fr.Bounds()
		var cb, cr [2][]int
		cb[0], cr[0] = make([]int, w/2), make([]int, w/2)
		for y := 0; y < h; y++ {
			if y%2 == 0 {
				clear(cb[0])
				clear(cr[0])
			}
			for x := 0; x < w; x++ {
				r, g, bl, _ := fr.At(fb.Min.X+x, fb.Min.Y+y).RGBA()
				yy, u, v := color.RGBToYCbCr(uint8(r>>8), uint8(g>>8), uint8(bl>>8))
				yp[y*w+x] = yy
				cb[0][x/2] += int(u)
				cr[0][x/2] += int(v)
			}
			if y%2 == 1 {
				for x := 0; x < w/2; x++ {
					up[(y/2)*(w/2)+x] = uint8(cb[0][x] / 4)
					vp[(y/2)*(w/2)+x] = uint8(cr[0][x] / 4)
				}
			}
		}
		bw.WriteString("FRAME\n")
		bw.Write(yp)
		bw.Write(up)
		bw.Write(vp)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Pad centres src, unscaled, on a w×h frame of its top-left colour: a portrait as a
// landscape camera sees it.
func Pad(src image.Image, w, h int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	b := src.Bounds()
	draw.Draw(out, out.Bounds(), &image.Uniform{src.At(b.Min.X+2, b.Min.Y+2)}, image.Point{}, draw.Src)
	off := image.Pt((w-b.Dx())/2, h-b.Dy())
	draw.Draw(out, b.Sub(b.Min).Add(off), src, b.Min, draw.Src)
	return out
}
