package jpegscale

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// The fixtures in testdata/video-*.jpeg are copied from the Go source tree
// (src/image/testdata, BSD-3-Clause, see LICENSE); between them they cover
// every sampling ratio, progressive and sequential scans, restart intervals,
// grayscale, RGB, CMYK and a truncated file.
var fixtures = []string{
	"video-001.jpeg",
	"video-001.cmyk.jpeg",
	"video-001.progressive.jpeg",
	"video-001.q50.410.jpeg",
	"video-001.q50.411.progressive.jpeg",
	"video-001.q50.420.jpeg",
	"video-001.q50.422.progressive.jpeg",
	"video-001.q50.440.jpeg",
	"video-001.q50.444.jpeg",
	"video-001.q50.444.progressive.jpeg",
	"video-001.restart2.jpeg",
	"video-001.rgb.jpeg",
	"video-001.separate.dc.progression.progressive.jpeg",
	"video-001.221212.jpeg",
	"video-005.gray.q50.jpeg",
	"video-005.gray.q50.2x2.progressive.jpeg",
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// diffImages returns the largest difference of any channel between a and b
// over their common bounds, which must be equal.
func diffImages(t testing.TB, a, b image.Image) int {
	t.Helper()
	if a.Bounds() != b.Bounds() {
		t.Fatalf("bounds %v != %v", a.Bounds(), b.Bounds())
	}
	worst := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			worst = max(worst, diffColor(a.At(x, y), b.At(x, y)))
		}
	}
	return worst
}

func diffColor(a, b color.Color) int {
	ca, cb := channels(a), channels(b)
	worst := 0
	for i := range ca {
		d := ca[i] - cb[i]
		worst = max(worst, d, -d)
	}
	return worst
}

// channels returns the colour's native 8-bit channels, so that YCbCr is
// compared as YCbCr and not after a lossy conversion.
func channels(c color.Color) [4]int {
	switch c := c.(type) {
	case color.YCbCr:
		return [4]int{int(c.Y), int(c.Cb), int(c.Cr), 0}
	case color.Gray:
		return [4]int{int(c.Y), 0, 0, 0}
	case color.CMYK:
		return [4]int{int(c.C), int(c.M), int(c.Y), int(c.K)}
	case color.RGBA:
		return [4]int{int(c.R), int(c.G), int(c.B), int(c.A)}
	}
	r, g, b, a := c.RGBA()
	return [4]int{int(r >> 8), int(g >> 8), int(b >> 8), int(a >> 8)}
}

// ycbcrkFixture is the CMYK fixture with its Adobe transform flag set to 2,
// which makes both decoders read it as YCbCrK.
func ycbcrkFixture(t testing.TB) []byte {
	data := bytes.Clone(readFixture(t, "video-001.cmyk.jpeg"))
	i := bytes.Index(data, []byte("Adobe"))
	if i < 0 || data[i+11] != 0 {
		t.Fatal("fixture has no Adobe segment with transform 0")
	}
	data[i+11] = 2
	return data
}

func TestDecodeEqualsStdlib(t *testing.T) {
	for _, name := range append(fixtures, "YCbCrK", "video-001.progressive.truncated.jpeg") {
		t.Run(name, func(t *testing.T) {
			var data []byte
			if name == "YCbCrK" {
				data = ycbcrkFixture(t)
			} else {
				data = readFixture(t, name)
			}
			want := equalsStdlib(t, data)
			c, err := DecodeCoefficients(bytes.NewReader(data), Options{})
			if err != nil {
				t.Fatal(err)
			}
			full, err := c.Image(1)
			if err != nil {
				t.Fatal(err)
			}
			if d := diffImages(t, full, want); d != 0 {
				t.Errorf("coefficients render differs from image/jpeg by up to %d", d)
			}
		})
	}
}

// variant is a test picture encoded one way.
type variant struct {
	name string
	make func(t testing.TB) []byte
}

// variants covers the encodings phones, booths and scanners write, on a
// picture whose size is not a multiple of any MCU.
func variants() []variant {
	m := synth(203, 157, 7)
	gray := image.NewGray(m.Bounds())
	for i := range gray.Pix {
		gray.Pix[i] = m.Pix[4*i+1]
	}
	return []variant{
		{"std-420-q90", func(t testing.TB) []byte { return encodeStd(t, m, 90) }},
		{"std-gray-q75", func(t testing.TB) []byte { return encodeStd(t, gray, 75) }},
		{"cjpeg-444", func(t testing.TB) []byte { return cjpeg(t, m, "-quality", "90", "-sample", "1x1") }},
		{"cjpeg-422", func(t testing.TB) []byte { return cjpeg(t, m, "-quality", "85", "-sample", "2x1") }},
		{"cjpeg-420-progressive", func(t testing.TB) []byte { return cjpeg(t, m, "-quality", "90", "-progressive") }},
		{"cjpeg-444-progressive", func(t testing.TB) []byte {
			return cjpeg(t, m, "-quality", "95", "-sample", "1x1", "-progressive")
		}},
		{"cjpeg-420-restart", func(t testing.TB) []byte { return cjpeg(t, m, "-quality", "80", "-restart", "3B") }},
		{"cjpeg-gray-progressive", func(t testing.TB) []byte {
			return cjpeg(t, m, "-quality", "90", "-grayscale", "-progressive")
		}},
		{"cjpeg-444-optimized-restart", func(t testing.TB) []byte {
			return cjpeg(t, m, "-quality", "100", "-sample", "1x1", "-optimize", "-restart", "1")
		}},
	}
}

// equalsStdlib checks that Decode at 1/1 gives image/jpeg's pixels, and
// returns image/jpeg's image.
func equalsStdlib(t *testing.T, data []byte) image.Image {
	t.Helper()
	want, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(bytes.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%T", got) != fmt.Sprintf("%T", want) {
		t.Fatalf("type %T, want %T", got, want)
	}
	if d := diffImages(t, got, want); d != 0 {
		t.Errorf("differs from image/jpeg by up to %d", d)
	}
	return want
}

func TestDecodeVariantsEqualStdlib(t *testing.T) {
	for _, v := range variants() {
		t.Run(v.name, func(t *testing.T) { equalsStdlib(t, v.make(t)) })
	}
}

// TestScaledNearBoxFilter checks that each plane (Y, Cb, Cr or gray) of a
// reduced decode is close to the same plane of the full decode box-filtered
// down: mean error within 1 level and 99.9% of samples within 6. The reduced
// IDCTs are exact box filters before rounding; clipping at 0 and 255 and the
// edge blocks, whose padding the box filter does not see, make up the rest.
// Planes and not RGB, because YCbCr to RGB clips, so it does not commute
// with averaging where subsampled chroma meets saturated colour.
func TestScaledNearBoxFilter(t *testing.T) {
	for _, v := range variants() {
		t.Run(v.name, func(t *testing.T) {
			data := v.make(t)
			full, err := jpeg.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			c, err := DecodeCoefficients(bytes.NewReader(data), Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []int{2, 4, 8} {
				got, err := Decode(bytes.NewReader(data), Options{Scale: s})
				if err != nil {
					t.Fatal(err)
				}
				fullPlanes, gotPlanes := samplePlanes(full), samplePlanes(got)
				for i, fp := range fullPlanes {
					want := boxDown(ToRGBA(fp), s)
					gp := ToRGBA(gotPlanes[i])
					if gp.Bounds() != want.Bounds() {
						t.Fatalf("1/%d plane %d: bounds %v, want %v", s, i, gp.Bounds(), want.Bounds())
					}
					mean, p999 := rgbError(gp, want)
					t.Logf("1/%d plane %d: mean error %.3f, 99.9%% within %d", s, i, mean, p999)
					if mean > 1 || p999 > 6 {
						t.Errorf("1/%d plane %d: mean error %.3f, 99.9%% within %d; want <= 1 and <= 6", s, i, mean, p999)
					}
				}
				fromCoeffs, err := c.Image(s)
				if err != nil {
					t.Fatal(err)
				}
				if d := diffImages(t, fromCoeffs, got); d != 0 {
					t.Errorf("1/%d: Coefficients.Image differs from Decode by %d", s, d)
				}
				// With the scale given to DecodeCoefficients, Image returns
				// the image rendered during the decode: the same pixels, and
				// a fresh copy each time.
				cs, err := DecodeCoefficients(bytes.NewReader(data), Options{Scale: s})
				if err != nil {
					t.Fatal(err)
				}
				pre1, err := cs.Image(s)
				if err != nil {
					t.Fatal(err)
				}
				if d := diffImages(t, pre1, got); d != 0 {
					t.Errorf("1/%d: image rendered during DecodeCoefficients differs from Decode by %d", s, d)
				}
				pre2, _ := cs.Image(s)
				if g1, ok := pre1.(*image.YCbCr); ok {
					g1.Y[0]++
					if pre2.(*image.YCbCr).Y[0] == g1.Y[0] {
						t.Errorf("1/%d: two calls of Image share pixels", s)
					}
				}
				if other, err := cs.Image(1); err != nil || diffImages(t, other, full) != 0 {
					t.Errorf("1/%d: Image(1) after a reduced DecodeCoefficients differs from image/jpeg (%v)", s, err)
				}
			}
		})
	}
}

// TestCropEqualsRegion checks that a crop has exactly the pixels of the
// whole render at the same points, at every scale, for rectangles on MCU
// boundaries, off them, at the image edges and partly outside the image.
func TestCropEqualsRegion(t *testing.T) {
	rects := []image.Rectangle{
		image.Rect(0, 0, 203, 157),
		image.Rect(0, 0, 1, 1),
		image.Rect(16, 16, 32, 48),
		image.Rect(17, 3, 90, 101),
		image.Rect(150, 100, 203, 157),
		image.Rect(201, 155, 400, 400),
		image.Rect(-10, -10, 33, 21),
	}
	for _, v := range variants() {
		t.Run(v.name, func(t *testing.T) {
			data := v.make(t)
			c, err := DecodeCoefficients(bytes.NewReader(data), Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []int{1, 2, 4, 8} {
				whole, err := c.Image(s)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rects {
					got, err := c.Crop(r, s)
					if err != nil {
						t.Fatalf("Crop(%v, %d): %v", r, s, err)
					}
					rr := r.Intersect(c.Bounds())
					want := image.Rect(rr.Min.X/s, rr.Min.Y/s, (rr.Max.X+s-1)/s, (rr.Max.Y+s-1)/s)
					if got.Bounds() != want {
						t.Fatalf("Crop(%v, %d) bounds %v, want %v", r, s, got.Bounds(), want)
					}
					region := whole.(interface {
						SubImage(image.Rectangle) image.Image
					}).SubImage(want)
					if d := diffImages(t, got, region); d != 0 {
						t.Errorf("Crop(%v, %d) differs from the whole render by %d", r, s, d)
					}
				}
			}
			if _, err := c.Crop(image.Rect(300, 300, 400, 400), 1); err == nil {
				t.Error("Crop outside the image: no error")
			}
		})
	}
}

// samplePlanes returns the sample planes of a decoded image as gray images.
func samplePlanes(m image.Image) []*image.Gray {
	switch m := m.(type) {
	case *image.Gray:
		return []*image.Gray{m}
	case *image.YCbCr:
		r := m.Rect
		w, h := r.Dx(), r.Dy()
		cw, ch := w, h
		switch m.SubsampleRatio {
		case image.YCbCrSubsampleRatio422:
			cw = (w + 1) / 2
		case image.YCbCrSubsampleRatio420:
			cw, ch = (w+1)/2, (h+1)/2
		case image.YCbCrSubsampleRatio440:
			ch = (h + 1) / 2
		}
		return []*image.Gray{
			{Pix: m.Y, Stride: m.YStride, Rect: image.Rect(0, 0, w, h)},
			{Pix: m.Cb, Stride: m.CStride, Rect: image.Rect(0, 0, cw, ch)},
			{Pix: m.Cr, Stride: m.CStride, Rect: image.Rect(0, 0, cw, ch)},
		}
	}
	panic(fmt.Sprintf("samplePlanes: %T", m))
}

// TestNaturalPortrait repeats the exactness and crop checks on a portrait
// from the shared test set (or the synthetic picture without it), at a size
// where the files have thousands of MCUs and real photographic statistics.
func TestNaturalPortrait(t *testing.T) {
	m := natural(t, 600, 800)
	encodings := []variant{
		{"std-420-q90", func(t testing.TB) []byte { return encodeStd(t, m, 90) }},
		{"cjpeg-444-q95", func(t testing.TB) []byte { return cjpeg(t, m, "-quality", "95", "-sample", "1x1") }},
		{"cjpeg-420-progressive", func(t testing.TB) []byte { return cjpeg(t, m, "-quality", "85", "-progressive") }},
	}
	for _, v := range encodings {
		t.Run(v.name, func(t *testing.T) {
			data := v.make(t)
			want := equalsStdlib(t, data)
			c, err := DecodeCoefficients(bytes.NewReader(data), Options{Scale: 4})
			if err != nil {
				t.Fatal(err)
			}
			r := image.Rect(131, 177, 467, 611)
			crop, err := c.Crop(r, 1)
			if err != nil {
				t.Fatal(err)
			}
			region := want.(interface {
				SubImage(image.Rectangle) image.Image
			}).SubImage(r)
			if d := diffImages(t, crop, region); d != 0 {
				t.Errorf("crop differs from image/jpeg's region by up to %d", d)
			}
			small, err := c.Image(4)
			if err != nil {
				t.Fatal(err)
			}
			// Per plane, as in TestScaledNearBoxFilter: a 4:2:0 image stays
			// 4:2:0 at 1/4, so in RGB its colour edges are softer than
			// those of the full decode box-filtered.
			for i, fp := range samplePlanes(want) {
				mean, p999 := rgbError(ToRGBA(samplePlanes(small)[i]), boxDown(ToRGBA(fp), 4))
				t.Logf("1/4 plane %d: mean error %.3f, 99.9%% within %d", i, mean, p999)
				if mean > 0.25 || p999 > 2 {
					t.Errorf("1/4 plane %d: mean error %.3f, 99.9%% within %d; want <= 0.25 and <= 2", i, mean, p999)
				}
			}
		})
	}
}

// TestCoefficientsConcurrentRenders renders one Coefficients from several
// goroutines, as a server does (run with -race to check the claim).
func TestCoefficientsConcurrentRenders(t *testing.T) {
	for _, name := range []string{"video-001.q50.420.jpeg", "video-001.progressive.jpeg"} {
		data := readFixture(t, name)
		c, err := DecodeCoefficients(bytes.NewReader(data), Options{Scale: 4})
		if err != nil {
			t.Fatal(err)
		}
		want, err := c.Crop(image.Rect(10, 10, 90, 70), 1)
		if err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 8)
		for g := range 8 {
			go func() {
				if _, err := c.Image(4 >> (g % 2)); err != nil {
					errs <- err
					return
				}
				got, err := c.Crop(image.Rect(10, 10, 90, 70), 1)
				// diffImages may call t.Fatal, which only the test's own
				// goroutine may do: compare the bounds here first.
				if err == nil && (got.Bounds() != want.Bounds() || diffImages(t, got, want) != 0) {
					err = fmt.Errorf("goroutine %d: crop differs", g)
				}
				errs <- err
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	}
}
