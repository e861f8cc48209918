package face

import (
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg"
	"image/png"
	"os"
	"sync"
	"testing"
)

var (
	engineOnce sync.Once
	engine     *Engine
	engineErr  error
)

// testEngine loads the models once for the whole test binary.
func testEngine(tb testing.TB) *Engine {
	tb.Helper()
	engineOnce.Do(func() { engine, engineErr = New() })
	if engineErr != nil {
		tb.Fatal(engineErr)
	}
	return engine
}

// loadRGBA decodes a test image into *image.RGBA, the callers' usual type.
func loadRGBA(tb testing.TB, name string) *image.RGBA {
	tb.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		tb.Fatal(err)
	}
	dst := image.NewRGBA(img.Bounds())
	draw.Draw(dst, dst.Bounds(), img, img.Bounds().Min, draw.Src)
	return dst
}

// render writes img with points and boxes drawn on it when FACE_RENDER names
// a directory, so a person can check where the models put them.
func render(tb testing.TB, name string, img image.Image, dets []Detection, meshes []Mesh, mask *image.Gray) {
	tb.Helper()
	dir := os.Getenv("FACE_RENDER")
	if dir == "" {
		return
	}
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	if mask != nil {
		for i, v := range mask.Pix {
			if v < 128 {
				out.Pix[4*i] /= 3
				out.Pix[4*i+1] /= 3
				out.Pix[4*i+2] = out.Pix[4*i+2]/3 + 100
			}
		}
	}
	dot := func(p Point, r int, c color.RGBA) {
		for dy := -r; dy <= r; dy++ {
			for dx := -r; dx <= r; dx++ {
				out.Set(int(p.X)+dx, int(p.Y)+dy, c)
			}
		}
	}
	for _, d := range dets {
		for x := d.X0; x <= d.X1; x++ {
			dot(Point{x, d.Y0}, 1, color.RGBA{0, 255, 0, 255})
			dot(Point{x, d.Y1}, 1, color.RGBA{0, 255, 0, 255})
		}
		for y := d.Y0; y <= d.Y1; y++ {
			dot(Point{d.X0, y}, 1, color.RGBA{0, 255, 0, 255})
			dot(Point{d.X1, y}, 1, color.RGBA{0, 255, 0, 255})
		}
		for k, p := range d.Keypoints {
			dot(p, 4, color.RGBA{255, uint8(40 * k), 0, 255})
		}
	}
	for _, m := range meshes {
		for _, p := range m.Points {
			dot(p.XY(), 1, color.RGBA{0, 255, 255, 255})
		}
		for _, i := range []int{RightEyeOuter, RightEyeInner, LeftEyeInner, LeftEyeOuter} {
			dot(m.Points[i].XY(), 3, color.RGBA{255, 0, 255, 255})
		}
	}
	f, err := os.Create(dir + "/" + name + ".png")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, out); err != nil {
		tb.Fatal(err)
	}
}

// renderPts draws points alone, numbered by colour ramp.
func renderPts(tb testing.TB, name string, img image.Image, pts []Point) {
	tb.Helper()
	dir := os.Getenv("FACE_RENDER")
	if dir == "" {
		return
	}
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	for i, p := range pts {
		c := color.RGBA{uint8(255 * i / len(pts)), 255 - uint8(255*i/len(pts)), 0, 255}
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				out.Set(int(p.X)+dx, int(p.Y)+dy, c)
			}
		}
	}
	f, err := os.Create(dir + "/" + name + ".png")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, out); err != nil {
		tb.Fatal(err)
	}
}
