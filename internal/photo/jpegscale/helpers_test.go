package jpegscale

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sportello/sportello/internal/testenv"
)

// synth draws a w x h test picture with what makes JPEG decoding work hard
// in a photo: smooth gradients, sharp edges, fine texture and sensor noise.
func synth(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy, rad := float64(w)*0.5, float64(h)*0.45, float64(min(w, h))*0.3
	for y := range h {
		for x := range w {
			fx, fy := float64(x), float64(y)
			r := 90 + 100*fx/float64(w)
			g := 120 + 60*math.Sin(fy/17)
			b := 160 - 80*fy/float64(h)
			if d := math.Hypot(fx-cx, fy-cy); d < rad {
				// A face-coloured disc with texture, the part a crop keeps.
				r, g, b = 200+20*math.Sin(fx/3), 150+15*math.Cos(fy/4), 120
			}
			if (x/37+y/29)%5 == 0 {
				r, g, b = 30, 30, 40 // Hard-edged dark patches.
			}
			n := rng.NormFloat64() * 6
			m.SetRGBA(x, y, color.RGBA{sat(r + n), sat(g + n), sat(b + n), 255})
		}
	}
	return m
}

func sat(v float64) uint8 { return uint8(max(0, min(255, math.Round(v)))) }

// portraitPath is a compliant portrait from the project's portrait set (copied into
// the photo package's testdata with its credits).
const portraitPath = "../testdata/portraits/compliant/canada_003f.jpg"

// natural returns a w x h picture: the shared portrait upscaled with noise
// added (what a phone's 12 MP photo of a face looks like to the decoder).
func natural(tb testing.TB, w, h int) *image.RGBA {
	tb.Helper()
	f, err := os.Open(portraitPath)
	if err != nil {
		tb.Fatalf("portrait missing: %v", err)
	}
	defer f.Close()
	src, err := jpeg.Decode(f)
	if err != nil {
		tb.Fatal(err)
	}
	s := ToRGBA(src)
	sb := s.Bounds()
	rng := rand.New(rand.NewPCG(2, 3))
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		// Bilinear upscale, in 8.8 fixed point.
		sy := (y*(sb.Dy()-1)<<8)/max(h-1, 1) + sb.Min.Y<<8
		y0, fy := sy>>8, sy&0xff
		y1 := min(y0+1, sb.Max.Y-1)
		for x := range w {
			sx := (x*(sb.Dx()-1)<<8)/max(w-1, 1) + sb.Min.X<<8
			x0, fx := sx>>8, sx&0xff
			x1 := min(x0+1, sb.Max.X-1)
			p00, p01 := s.Pix[s.PixOffset(x0, y0):], s.Pix[s.PixOffset(x1, y0):]
			p10, p11 := s.Pix[s.PixOffset(x0, y1):], s.Pix[s.PixOffset(x1, y1):]
			n := int(rng.Uint32()%9) - 4
			o := m.PixOffset(x, y)
			for c := range 3 {
				top := int(p00[c])*(256-fx) + int(p01[c])*fx
				bot := int(p10[c])*(256-fx) + int(p11[c])*fx
				v := (top*(256-fy)+bot*fy)>>16 + n
				m.Pix[o+c] = uint8(max(0, min(255, v)))
			}
			m.Pix[o+3] = 255
		}
	}
	return m
}

// encodeStd encodes with image/jpeg: baseline, 4:2:0 for colour.
func encodeStd(tb testing.TB, m image.Image, quality int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: quality}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// cjpeg encodes with Debian's libjpeg-turbo cjpeg, which writes what
// image/jpeg cannot: 4:4:4 and 4:2:2, progressive, restart intervals.
func cjpeg(tb testing.TB, m *image.RGBA, args ...string) []byte {
	tb.Helper()
	bin := testenv.LookPath(tb, "cjpeg")
	b := m.Bounds()
	var ppm bytes.Buffer
	fmt.Fprintf(&ppm, "P6\n%d %d\n255\n", b.Dx(), b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			o := m.PixOffset(x, y)
			ppm.Write(m.Pix[o : o+3])
		}
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdin = &ppm
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("cjpeg %v: %v: %s", args, err, stderr.String())
	}
	return out.Bytes()
}

// writeTemp stores data in the test's temporary directory for djpeg.
func writeTemp(tb testing.TB, name string, data []byte) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

// boxDown averages s x s boxes of m (only the pixels inside m), which is
// what a reduced-scale decode should approximate.
func boxDown(m *image.RGBA, s int) *image.RGBA {
	b := m.Bounds()
	w, h := (b.Dx()+s-1)/s, (b.Dy()+s-1)/s
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for oy := range h {
		for ox := range w {
			var sum [4]int
			n := 0
			for y := oy * s; y < min(oy*s+s, b.Dy()); y++ {
				for x := ox * s; x < min(ox*s+s, b.Dx()); x++ {
					p := m.Pix[m.PixOffset(b.Min.X+x, b.Min.Y+y):]
					for c := range 4 {
						sum[c] += int(p[c])
					}
					n++
				}
			}
			o := out.PixOffset(ox, oy)
			for c := range 4 {
				out.Pix[o+c] = uint8((sum[c] + n/2) / n)
			}
		}
	}
	return out
}

// rgbError returns the mean and the 99.9th percentile of the absolute
// difference of the RGB channels of a and b, which have equal bounds.
func rgbError(a, b *image.RGBA) (mean float64, p999 int) {
	var hist [256]int
	total, n := 0, 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		pa, pb := a.Pix[a.PixOffset(r.Min.X, y):], b.Pix[b.PixOffset(r.Min.X, y):]
		for i := 0; i < 4*r.Dx(); i++ {
			if i%4 == 3 {
				continue
			}
			d := int(pa[i]) - int(pb[i])
			d = max(d, -d)
			hist[d]++
			total += d
			n++
		}
	}
	acc := 0
	for d, c := range hist {
		acc += c
		if acc*1000 >= n*999 {
			p999 = d
			break
		}
	}
	return float64(total) / float64(n), p999
}
