package photo

import (
	"encoding/binary"
	"image"
	"image/color"
	"math"
	"slices"
	"testing"
)

// TestRowReaderYCbCr compares the fast YCbCr rows with color.YCbCrToRGB for every
// subsampling the JPEG decoders return, on a sub-image so that offsets are exercised.
func TestRowReaderYCbCr(t *testing.T) {
	for _, ratio := range []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440,
	} {
		m := image.NewYCbCr(image.Rect(0, 0, 37, 29), ratio)
		for i := range m.Y {
			m.Y[i] = uint8(i * 7)
		}
		for i := range m.Cb {
			m.Cb[i], m.Cr[i] = uint8(i*13), uint8(255-i*5)
		}
		sub := m.SubImage(image.Rect(5, 3, 33, 27)).(*image.YCbCr)
		read := rowReader(sub)
		buf := make([]float32, 3*28)
		for y := 3; y < 27; y++ {
			read(y, 5, 33, buf)
			for x := 5; x < 33; x++ {
				c := sub.YCbCrAt(x, y)
				r, g, b := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
				k := 3 * (x - 5)
				for i, want := range []uint8{r, g, b} {
					if math.Abs(float64(buf[k+i])-float64(want)) > 1.5 {
						t.Fatalf("%v (%d,%d) channel %d: %.1f, want %d", ratio, x, y, i, buf[k+i], want)
					}
				}
			}
		}
	}
}

// TestRenderYCbCrMatchesRGB renders the same crop of a real portrait through the YCbCr
// planes (the crop's path) and through RGB (the checks' path), for every EXIF orientation
// and for a crop small enough to be cut at full scale and one that uses a reduced DCT
// scale: the two must show the same picture.
func TestRenderYCbCrMatchesRGB(t *testing.T) {
	base := loadRGBA(t, synthBase)
	data := encodeJPEG(t, resample(base, fullRect(base), 600, 800), 92)
	for o := uint16(1); o <= 8; o++ {
		src, err := decodeBytes(withOrientation(data, o, binary.BigEndian), DefaultLimits, 100_000)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			r      rect
			dw, dh int
		}{
			{rect{30.5, 41.2, 410.7, 530.9}, 301, 387}, // 1/1
			{rect{10, 20, 480, 620}, 117, 151},         // 1/2 … 1/4
			{rect{0, 0, float64(src.w), float64(src.h)}, 75, 99},
		} {
			y, err := src.renderYCbCr(c.r, c.dw, c.dh, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := y.(*image.YCbCr); !ok {
				t.Fatalf("orientation %d: %T, want *image.YCbCr", o, y)
			}
			want, err := src.renderAt(c.r, c.dw, c.dh)
			if err != nil {
				t.Fatal(err)
			}
			if y.Bounds() != want.Bounds() {
				t.Fatalf("orientation %d: bounds %v, want %v", o, y.Bounds(), want.Bounds())
			}
			// Chroma is stored at half resolution: compare over 2×2 cells, whose colour is
			// what the 4:2:0 output keeps.
			var worst, sum float64
			n := 0
			for yy := 0; yy+1 < c.dh; yy += 2 {
				for xx := 0; xx+1 < c.dw; xx += 2 {
					var d [3]float64
					for _, p := range []image.Point{{xx, yy}, {xx + 1, yy}, {xx, yy + 1}, {xx + 1, yy + 1}} {
						r1, g1, b1, _ := y.At(p.X, p.Y).RGBA()
						q := want.RGBAAt(p.X, p.Y)
						d[0] += float64(r1>>8) - float64(q.R)
						d[1] += float64(g1>>8) - float64(q.G)
						d[2] += float64(b1>>8) - float64(q.B)
					}
					for _, v := range d {
						worst = max(worst, math.Abs(v/4))
						sum += math.Abs(v / 4)
						n++
					}
				}
			}
			if mean := sum / float64(n); worst > 24 || mean > 1.5 {
				t.Fatalf("orientation %d, %v → %dx%d: mean difference %.2f, worst %.0f", o, c.r, c.dw, c.dh, mean, worst)
			}
		}
	}
}

// TestPercentileMatchesSort: the counting percentile gives exactly what sorting gives.
func TestPercentileMatchesSort(t *testing.T) {
	img := loadRGBA(t, synthBase)
	for _, r := range []rect{{100, 100, 600, 700}, {0, 0, 3, 2}, {10, 10, 11, 11}} {
		s := box(img, r)
		ls := make([]float64, len(s))
		for i, p := range s {
			ls[i] = luma(float64(img.Pix[p]), float64(img.Pix[p+1]), float64(img.Pix[p+2]))
		}
		slices.Sort(ls)
		qs := []float64{0, 0.02, 0.5, 0.98, 1}
		got := percentile(img, s, qs...)
		for i, q := range qs {
			if want := ls[min(len(ls)-1, int(q*float64(len(ls))))]; got[i] != want {
				t.Fatalf("%v q%.2f: %v, want %v", r, q, got[i], want)
			}
		}
	}
	if got := percentile(img, nil, 0.5); got[0] != 0 {
		t.Fatalf("empty set: %v", got)
	}
}

// TestConvertMatchesResample: the one-to-one shortcut gives resample's exact pixels.
func TestConvertMatchesResample(t *testing.T) {
	m := image.NewYCbCr(image.Rect(3, 5, 90, 70), image.YCbCrSubsampleRatio420)
	for i := range m.Y {
		m.Y[i] = uint8(i * 7)
	}
	for i := range m.Cb {
		m.Cb[i], m.Cr[i] = uint8(i*13), uint8(255-i*5)
	}
	for _, img := range []image.Image{m, resample(m, fullRect(m), 87, 65)} {
		b := img.Bounds()
		got := convertRGBA(img, b.Min.X+4, b.Min.Y+2, 50, 40)
		want := resample(img, rect{float64(b.Min.X + 4), float64(b.Min.Y + 2), float64(b.Min.X + 54), float64(b.Min.Y + 42)}, 50, 40)
		if !slices.Equal(got.Pix, want.Pix) || got.Rect != want.Rect {
			t.Fatalf("%T: convertRGBA differs from resample", img)
		}
	}
}

// TestOrientMatchesReference: the one-pass orient gives, for every orientation, exactly
// the pixels of converting first and then moving each pixel where the orientation says.
func TestOrientMatchesReference(t *testing.T) {
	// The second size is large enough to be converted in two halves.
	for _, size := range []image.Point{{37, 23}, {701, 403}} {
		testOrient(t, size.X, size.Y)
	}
}

func testOrient(t *testing.T, w, h int) {
	m := image.NewYCbCr(image.Rect(2, 1, 2+w, 1+h), image.YCbCrSubsampleRatio420)
	for i := range m.Y {
		m.Y[i] = uint8(i * 7)
	}
	for i := range m.Cb {
		m.Cb[i], m.Cr[i] = uint8(i*13), uint8(255-i*5)
	}
	src := convertRGBA(m, 2, 1, w, h)
	for y := range h {
		for x := range w {
			r, g, b := color.YCbCrToRGB(m.YCbCrAt(x+2, y+1).Y, m.YCbCrAt(x+2, y+1).Cb, m.YCbCrAt(x+2, y+1).Cr)
			if c := src.RGBAAt(x, y); math.Abs(float64(c.R)-float64(r)) > 2 || math.Abs(float64(c.G)-float64(g)) > 2 || math.Abs(float64(c.B)-float64(b)) > 2 {
				t.Fatalf("%dx%d: converted (%d,%d) = %v, want about %d,%d,%d", w, h, x, y, c, r, g, b)
			}
		}
	}
	for o := 2; o <= 8; o++ {
		got := orient(m, o).(*image.RGBA)
		for y := range h {
			for x := range w {
				// The inverse of toRaw with pixel centres gives where (x, y) goes.
				ux, uy := toUpright(float64(x)+0.5, float64(y)+0.5, o, float64(w), float64(h))
				want := src.RGBAAt(x, y)
				if g := got.RGBAAt(int(ux), int(uy)); g != want {
					t.Fatalf("orientation %d: stored (%d,%d) → (%d,%d) is %v, want %v", o, x, y, int(ux), int(uy), g, want)
				}
			}
		}
	}
}

// TestOrientYCbCrMatchesReference checks the strided copy against looking up every
// output pixel through toRaw, for odd and even sizes.
func TestOrientYCbCrMatchesReference(t *testing.T) {
	for _, size := range []image.Point{{37, 23}, {40, 26}, {2, 3}} {
		m := image.NewYCbCr(image.Rect(0, 0, size.X, size.Y), image.YCbCrSubsampleRatio420)
		for i := range m.Y {
			m.Y[i] = uint8(i * 7)
		}
		for i := range m.Cb {
			m.Cb[i], m.Cr[i] = uint8(i*13), uint8(255-i*5)
		}
		W, H := float64(size.X), float64(size.Y)
		for o := 2; o <= 8; o++ {
			got := orientYCbCr(m, o)
			b := got.Rect
			for y := 0; y < b.Dy(); y++ {
				for x := 0; x < b.Dx(); x++ {
					u, v := toRaw(float64(x)+0.5, float64(y)+0.5, o, W, H)
					if g, w := got.Y[got.YOffset(x, y)], m.Y[m.YOffset(int(u), int(v))]; g != w {
						t.Fatalf("%v o%d: Y(%d,%d) = %d, want %d", size, o, x, y, g, w)
					}
					if x%2 == 0 && y%2 == 0 {
						if g, w := got.Cb[got.COffset(x, y)], m.Cb[m.COffset(int(u), int(v))]; g != w {
							t.Fatalf("%v o%d: Cb(%d,%d) = %d, want %d", size, o, x, y, g, w)
						}
					}
				}
			}
		}
	}
}

// TestRenderYCbCrHalves: the crop made in two halves at once is the crop made whole, up to
// float rounding.
func TestRenderYCbCrHalves(t *testing.T) {
	base := loadRGBA(t, synthBase)
	data := encodeJPEG(t, resample(base, fullRect(base), 900, 1200), 92)
	for _, o := range []uint16{1, 6, 3} {
		src, err := decodeBytes(withOrientation(data, o, binary.BigEndian), DefaultLimits, 100_000)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			r             rect
			dw, dh, denom int
		}{
			{rect{100.3, 150.7, 800.2, 1050.9}, 545, 701, 1},
			{rect{100.3, 150.7, 800.2, 1050.9}, 350, 450, 2},
			{rect{0, 0, float64(src.w), float64(src.h)}, 333, 445, 0},
		} {
			whole, err := src.renderYCbCrSplit(c.r, c.dw, c.dh, c.denom, false)
			if err != nil {
				t.Fatal(err)
			}
			halves, err := src.renderYCbCrSplit(c.r, c.dw, c.dh, c.denom, true)
			if err != nil {
				t.Fatal(err)
			}
			w, h := whole.(*image.YCbCr), halves.(*image.YCbCr)
			if w.Rect != h.Rect {
				t.Fatalf("o%d %v: %v and %v", o, c, w.Rect, h.Rect)
			}
			for name, p := range map[string][2][]uint8{"Y": {w.Y, h.Y}, "Cb": {w.Cb, h.Cb}, "Cr": {w.Cr, h.Cr}} {
				for i := range p[0] {
					if d := int(p[0][i]) - int(p[1][i]); d < -1 || d > 1 {
						t.Fatalf("o%d %v: %s[%d] whole %d, halves %d", o, c, name, i, p[0][i], p[1][i])
					}
				}
			}
		}
	}
}
