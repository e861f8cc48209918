package jpegscale

import (
	"bytes"
	"encoding/binary"
	"image"
	"testing"
)

// FuzzDecode feeds every decoding entry point. The pixel limit is small so
// that the fuzzer explores the format, not the allocator.
func FuzzDecode(f *testing.F) {
	for _, name := range fixtures {
		f.Add(readFixture(f, name), uint8(0))
	}
	f.Add(sofOnly(64, 48), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		opt := Options{Scale: 1 << (sel % 4), MaxPixels: 1 << 20}
		m, err := Decode(bytes.NewReader(data), opt)
		if err == nil {
			cfg, err := DecodeConfig(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("Decode worked but DecodeConfig failed: %v", err)
			}
			want := image.Rect(0, 0, (cfg.Width+opt.Scale-1)/opt.Scale, (cfg.Height+opt.Scale-1)/opt.Scale)
			if m.Bounds() != want {
				t.Fatalf("bounds %v, want %v", m.Bounds(), want)
			}
			_ = ToRGBA(m)
		}
		c, err := DecodeCoefficients(bytes.NewReader(data), opt)
		if err != nil {
			return
		}
		b := c.Bounds()
		img, err := c.Image(opt.Scale)
		if err != nil {
			// Only a colour model the decoder cannot finish may fail here.
			if _, ok := err.(UnsupportedError); !ok {
				t.Fatalf("Image: %v", err)
			}
			return
		}
		// The image rendered during the decode (on a second goroutine for a
		// sequential file) must be what the coefficients render to afterwards.
		again, err := c.Crop(b, opt.Scale)
		if err != nil {
			t.Fatalf("Crop(%v): %v", b, err)
		}
		if p, q := ToRGBA(img), ToRGBA(again); p.Rect != q.Rect || !bytes.Equal(p.Pix, q.Pix) {
			t.Fatalf("1/%d: the image rendered during the decode differs from a render afterwards", opt.Scale)
		}
		r := image.Rect(b.Dx()/3, b.Dy()/4, b.Dx()-int(sel), b.Dy()-1)
		if !r.Empty() {
			if _, err := c.Crop(r, 1<<(sel/4%4)); err != nil {
				t.Fatalf("Crop(%v): %v", r, err)
			}
		}
	})
}

// FuzzOrientation checks that the EXIF reader is safe on any input.
func FuzzOrientation(f *testing.F) {
	le, be := binary.AppendByteOrder(binary.LittleEndian), binary.AppendByteOrder(binary.BigEndian)
	f.Add(exifJPEG(le, entry(le, 0x0112, 3, 1, 6)))
	f.Add(exifJPEG(be, entry(be, 0x010f, 2, 4, 0), entry(be, 0x0112, 3, 1, 8)))
	f.Add(readFixture(f, "video-001.jpeg"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := Orientation(data); o < 1 || o > 8 {
			t.Fatalf("Orientation = %d", o)
		}
	})
}
