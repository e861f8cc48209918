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

func TestDecodeEqualsStdlib(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, name)
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
