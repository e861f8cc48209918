package photo

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestEncodeHalvesDecodeAsOne: the crop encoded as two restart intervals decodes, with
// the standard library and with libjpeg (djpeg), to exactly the pixels of one encoding.
func TestEncodeHalvesDecodeAsOne(t *testing.T) {
	base := loadRGBA(t, synthBase)
	for _, size := range []image.Point{{827, 1063}, {551, 709}, {798, 1026}, {100, 65}, {64, 80}, {30, 47}, {20, 16}} {
		rgba := resample(base, fullRect(base), size.X, size.Y)
		m := image.NewYCbCr(rgba.Rect, image.YCbCrSubsampleRatio420)
		// Through the encoder once, to get a 4:2:0 picture.
		var one bytes.Buffer
		if err := jpeg.Encode(&one, rgba, &jpeg.Options{Quality: 95}); err != nil {
			t.Fatal(err)
		}
		dec, err := jpeg.Decode(bytes.NewReader(one.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		m = dec.(*image.YCbCr)
		one.Reset()
		if err := jpeg.Encode(&one, m, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		two, err := encodeJPEG420(m, 90)
		if err != nil {
			t.Fatal(err)
		}
		if size.Y > 32 && !bytes.Contains(two, []byte{0xff, 0xdd}) {
			t.Fatalf("%v: not split into restart intervals", size)
		}
		a, err := jpeg.Decode(bytes.NewReader(one.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		b, err := jpeg.Decode(bytes.NewReader(two))
		if err != nil {
			t.Fatalf("%v: %v", size, err)
		}
		ya, yb := a.(*image.YCbCr), b.(*image.YCbCr)
		if ya.Rect != yb.Rect || !slices.Equal(ya.Y, yb.Y) || !slices.Equal(ya.Cb, yb.Cb) || !slices.Equal(ya.Cr, yb.Cr) {
			t.Fatalf("%v: the joined file decodes differently", size)
		}
		if djpeg, err := exec.LookPath("djpeg"); err == nil {
			dir := t.TempDir()
			p1, p2 := filepath.Join(dir, "one.jpg"), filepath.Join(dir, "two.jpg")
			if err := os.WriteFile(p1, one.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p2, two, 0o644); err != nil {
				t.Fatal(err)
			}
			o1, err1 := exec.Command(djpeg, p1).Output()
			o2, err2 := exec.Command(djpeg, p2).Output()
			if err1 != nil || err2 != nil || !bytes.Equal(o1, o2) {
				t.Fatalf("%v: djpeg decodes the joined file differently (%v, %v)", size, err1, err2)
			}
		}
	}
}

func TestSplitScanRefusesOddInput(t *testing.T) {
	for _, j := range [][]byte{nil, {0xff, 0xd8}, {0xff, 0xd8, 0xff, 0xd9}, {0xff, 0xd8, 0xff, 0xdb, 0, 200, 0xff, 0xd9}} {
		if _, err := splitScan(j); err == nil {
			t.Errorf("% x: accepted", j)
		}
	}
}

// FuzzSplitScan: the segment walker reads only the encoder's own output, but must never
// panic whatever it is given.
func FuzzSplitScan(f *testing.F) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 16, 16)), nil); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte{0xff, 0xd8, 0xff, 0xc0, 0, 2, 0xff, 0xd9})
	f.Fuzz(func(t *testing.T, j []byte) {
		if p, err := splitScan(j); err == nil && (p.sof < 2 || p.sos <= p.sof || p.sos+p.sosLen+len(p.data)+2 != len(j)) {
			t.Fatalf("inconsistent parts %+v of %d bytes", p, len(j))
		}
	})
}
