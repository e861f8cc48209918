package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"testing"
)

// gradient makes a w×h image whose top-left pixel is red, so orientation is observable.
func gradient(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			img.Set(x, y, color.RGBA{255, 0, 0, 255})
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withOrientation inserts an APP1 EXIF segment carrying orientation o after SOI.
func withOrientation(j []byte, o uint16, order binary.ByteOrder) []byte {
	tiff := make([]byte, 8+2+12+4)
	if order == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	order.PutUint16(tiff[2:], 42)
	order.PutUint32(tiff[4:], 8)
	order.PutUint16(tiff[8:], 1)
	order.PutUint16(tiff[10:], 0x0112)
	order.PutUint16(tiff[12:], 3)
	order.PutUint32(tiff[14:], 1)
	order.PutUint16(tiff[18:], o)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, j[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, j[2:]...)
}

// corruptSOF gives the frame header an impossible component count.
func corruptSOF(j []byte) []byte {
	out := bytes.Clone(j)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	out[i+9] = 7
	return out
}

// pngWithSize rewrites the IHDR of a valid PNG to declare w×h, as a decompression bomb does.
func pngWithSize(t *testing.T, w, h uint32) []byte {
	p := encodePNG(t, image.NewGray(image.Rect(0, 0, 4, 4)))
	binary.BigEndian.PutUint32(p[16:], w)
	binary.BigEndian.PutUint32(p[20:], h)
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
}

func TestDecodeErrors(t *testing.T) {
	small := encodeJPEG(t, gradient(64, 48), 90)
	heic := append([]byte{0, 0, 0, 24}, []byte("ftypheic\x00\x00\x00\x00mif1heic")...)
	tests := []struct {
		name string
		data []byte
		lim  Limits
		kind error
	}{
		{"heic", heic, DefaultLimits, ErrUnsupported},
		{"webp", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), DefaultLimits, ErrUnsupported},
		{"text", []byte("hello, this is not a photo"), DefaultLimits, ErrNotImage},
		{"empty", nil, DefaultLimits, ErrNotImage},
		{"truncated jpeg", small[:len(small)/2], DefaultLimits, ErrTruncated},
		{"corrupt jpeg", corruptSOF(small), DefaultLimits, ErrNotImage},
		{"bomb png", pngWithSize(t, 100000, 100000), DefaultLimits, ErrTooLarge},
		{"over pixel limit", small, Limits{MaxBytes: 1 << 20, MaxPixels: 1000}, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeBytes(tt.data, tt.lim, 1_000_000)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("got %v, want %v", err, tt.kind)
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.IT == "" || ie.EN == "" {
				t.Fatalf("error %v carries no plain-language reason", err)
			}
		})
	}
}

func TestHEICMessage(t *testing.T) {
	heic := append([]byte{0, 0, 0, 24}, []byte("ftypheic\x00\x00\x00\x00mif1heic")...)
	_, err := decodeBytes(heic, DefaultLimits, 1_000_000)
	var ie *InputError
	if !errors.As(err, &ie) || ie.IT != "formato HEIC non supportato: esporti la foto in JPEG" {
		t.Fatalf("got %v", err)
	}
}

func TestReadLimited(t *testing.T) {
	tests := []struct {
		n, max int64
		ok     bool
	}{{10, 10, true}, {11, 10, false}, {0, 10, true}}
	for _, tt := range tests {
		_, err := readLimited(bytes.NewReader(make([]byte, tt.n)), tt.max)
		if (err == nil) != tt.ok {
			t.Errorf("n=%d max=%d: err=%v", tt.n, tt.max, err)
		}
		if err != nil && !errors.Is(err, ErrTooLarge) {
			t.Errorf("n=%d: want ErrTooLarge, got %v", tt.n, err)
		}
	}
}

func TestDecodeFormats(t *testing.T) {
	g16 := image.NewNRGBA64(image.Rect(0, 0, 40, 30))
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			g16.Set(x, y, color.NRGBA64{uint16(x * 1600), uint16(y * 2000), 30000, 0xffff})
		}
	}
	gray16 := image.NewGray16(image.Rect(0, 0, 40, 30))
	gray16.Set(3, 3, color.Gray16{0xffff})
	cmyk, err := os.ReadFile("testdata/cmyk.jpg")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		w, h int
	}{
		{"jpeg", encodeJPEG(t, gradient(64, 48), 90), 64, 48},
		{"png 16-bit rgba", encodePNG(t, g16), 40, 30},
		{"png 16-bit gray", encodePNG(t, gray16), 40, 30},
		{"jpeg cmyk", cmyk, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := decodeBytes(tt.data, DefaultLimits, 1_000_000)
			if err != nil {
				t.Fatal(err)
			}
			if tt.w != 0 && (src.w != tt.w || src.h != tt.h) {
				t.Fatalf("size %dx%d, want %dx%d", src.w, src.h, tt.w, tt.h)
			}
			// The analysis copy must be renderable whatever the pixel type.
			out, err := src.renderAt(src.bounds(), 16, 12)
			if err != nil || out.Bounds().Dx() != 16 {
				t.Fatal("resample size")
			}
		})
	}
}

func TestCMYKColours(t *testing.T) {
	data, err := os.ReadFile("testdata/cmyk.jpg")
	if err != nil {
		t.Fatal(err)
	}
	src, err := decodeBytes(data, DefaultLimits, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := src.preview.(*image.CMYK); !ok {
		t.Fatalf("decoded as %T, the fixture is not CMYK", src.preview)
	}
	// The fixture is a normal portrait: a CMYK decode that forgot Adobe's inversion
	// would make it a negative, with a dark mean.
	small, err := src.renderAt(src.bounds(), 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	st := stats(small, box(image.NewRGBA(image.Rect(0, 0, 32, 32)), rect{0, 0, 32, 32}))
	if st.l < 60 || st.l > 200 {
		t.Fatalf("mean luma %.0f: colours look inverted", st.l)
	}
}

func TestOrientation(t *testing.T) {
	base := encodeJPEG(t, gradient(64, 48), 95)
	tests := []struct {
		o          uint16
		order      binary.ByteOrder
		w, h       int
		redX, redY int // where the red top-left pixel must end up
	}{
		{1, binary.BigEndian, 64, 48, 2, 2},
		{3, binary.LittleEndian, 64, 48, 61, 45},
		{6, binary.BigEndian, 48, 64, 45, 2},
		{8, binary.LittleEndian, 48, 64, 2, 61},
		{2, binary.BigEndian, 64, 48, 61, 2},
	}
	for _, tt := range tests {
		src, err := decodeBytes(withOrientation(base, tt.o, tt.order), DefaultLimits, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		if src.w != tt.w || src.h != tt.h {
			t.Errorf("o=%d: size %dx%d, want %dx%d", tt.o, src.w, src.h, tt.w, tt.h)
			continue
		}
		up, err := src.renderAt(src.bounds(), src.w, src.h)
		if err != nil {
			t.Fatal(err)
		}
		r, g, _, _ := up.At(tt.redX, tt.redY).RGBA()
		if r>>8 < 180 || g>>8 > 90 {
			t.Errorf("o=%d: pixel (%d,%d) is not the red corner: r=%d g=%d", tt.o, tt.redX, tt.redY, r>>8, g>>8)
		}
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"\xff\xd8\xff\xe0", "jpeg"},
		{"\x89PNG\r\n\x1a\n", "png"},
		{"\x00\x00\x00\x18ftypheic", "heic"},
		{"\x00\x00\x00\x18ftypavif", "avif"},
		{"GIF89a", "gif"},
		{"plain", ""},
	}
	for _, tt := range tests {
		if got := sniff([]byte(tt.in)); got != tt.want {
			t.Errorf("sniff(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(encodeJPEG(f, gradient(16, 16), 50))
	f.Add(withOrientation(encodeJPEG(f, gradient(8, 8), 50), 6, binary.LittleEndian))
	f.Add(encodePNG(f, gradient(8, 8)))
	f.Add([]byte("\x00\x00\x00\x18ftypheic"))
	lim := Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := decodeBytes(data, lim, 1000)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error without reason: %v", err)
			}
			return
		}
		if src.w*src.h > lim.MaxPixels {
			t.Fatalf("decoded %dx%d past the pixel limit", src.w, src.h)
		}
	})
}

func FuzzOrientation(f *testing.F) {
	f.Add(withOrientation(encodeJPEG(f, gradient(8, 8), 50), 6, binary.LittleEndian)[12:])
	f.Add([]byte("II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := pngOrientation(data); o < 1 || o > 8 {
			t.Fatalf("png orientation %d", o)
		}
		if o := tiffOrientation(data); o < 1 || o > 8 {
			t.Fatalf("tiff orientation %d", o)
		}
	})
}
