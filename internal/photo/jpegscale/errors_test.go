package jpegscale

import (
	"bytes"
	"errors"
	"image/jpeg"
	"math/rand/v2"
	"runtime"
	"testing"
)

// sofOnly is a JPEG header that declares width x height and ends after the
// frame header: a decompression bomb's first bytes.
func sofOnly(width, height int) []byte {
	return []byte{
		0xff, 0xd8, // SOI
		0xff, 0xc0, 0x00, 0x11, 0x08, // SOF0, length 17, 8-bit
		byte(height >> 8), byte(height), byte(width >> 8), byte(width),
		0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
		0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00,
	}
}

func TestTooLargeBeforeAllocation(t *testing.T) {
	tests := []struct {
		name          string
		width, height int
		opt           Options
		tooLarge      bool
	}{
		{"65535 squared, default limit", 65535, 65535, Options{}, true},
		{"just over a 12 MP limit", 4001, 3000, Options{MaxPixels: 12_000_000}, true},
		{"at a 12 MP limit", 4000, 3000, Options{MaxPixels: 12_000_000}, false},
		{"no limit", 9000, 9000, Options{MaxPixels: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := sofOnly(tt.width, tt.height)
			for _, scale := range []int{1, 8} {
				opt := tt.opt
				opt.Scale = scale
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				_, err := Decode(bytes.NewReader(data), opt)
				runtime.ReadMemStats(&after)
				if got := errors.Is(err, ErrTooLarge); got != tt.tooLarge {
					t.Fatalf("scale %d: err = %v, want ErrTooLarge: %v", scale, err, tt.tooLarge)
				}
				if err == nil {
					t.Fatal("a header without data decoded without error")
				}
				if alloc := after.TotalAlloc - before.TotalAlloc; tt.tooLarge && alloc > 1<<20 {
					t.Errorf("scale %d: allocated %d bytes before refusing", scale, alloc)
				}
				_, err = DecodeCoefficients(bytes.NewReader(data), opt)
				if got := errors.Is(err, ErrTooLarge); got != tt.tooLarge {
					t.Fatalf("DecodeCoefficients: err = %v, want ErrTooLarge: %v", err, tt.tooLarge)
				}
			}
			cfg, err := DecodeConfig(bytes.NewReader(data))
			if err != nil || cfg.Width != tt.width || cfg.Height != tt.height {
				t.Errorf("DecodeConfig = %+v, %v; want %dx%d", cfg, err, tt.width, tt.height)
			}
		})
	}
}

func TestDecodeConfigMatchesStdlib(t *testing.T) {
	for _, name := range fixtures {
		data := readFixture(t, name)
		want, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
	}
}

// TestBrokenInputs feeds truncated, corrupted and random data: every decode
// entry point must return an error or an image, never panic, and truncation
// inside the entropy-coded data must be an error.
func TestBrokenInputs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, name := range fixtures {
		data := readFixture(t, name)
		for _, cut := range []int{0, 1, 2, 20, 200, len(data) / 3, len(data) / 2, len(data) - 700} {
			if cut < 0 || cut >= len(data) {
				continue
			}
			for _, s := range []int{1, 2, 4, 8} {
				if _, err := Decode(bytes.NewReader(data[:cut]), Options{Scale: s}); err == nil {
					t.Errorf("%s cut at %d, scale %d: no error", name, cut, s)
				}
			}
			if _, err := DecodeCoefficients(bytes.NewReader(data[:cut]), Options{}); err == nil {
				t.Errorf("%s cut at %d: DecodeCoefficients: no error", name, cut)
			}
		}
		for range 20 {
			bad := bytes.Clone(data)
			for range 1 + rng.IntN(8) {
				bad[rng.IntN(len(bad))] = byte(rng.Uint32())
			}
			for _, s := range []int{1, 8} {
				_, _ = Decode(bytes.NewReader(bad), Options{Scale: s})
			}
			if c, err := DecodeCoefficients(bytes.NewReader(bad), Options{}); err == nil {
				_, _ = c.Image(4)
				_, _ = c.Crop(c.Bounds().Inset(3), 2)
			}
		}
	}
	for range 200 {
		garbage := make([]byte, rng.IntN(2000))
		for i := range garbage {
			garbage[i] = byte(rng.Uint32())
		}
		if rng.IntN(2) == 0 && len(garbage) > 2 {
			garbage[0], garbage[1] = 0xff, 0xd8
		}
		if _, err := Decode(bytes.NewReader(garbage), Options{}); err == nil {
			t.Errorf("garbage % x...: no error", garbage[:min(len(garbage), 8)])
		}
	}
	if _, err := Decode(bytes.NewReader(readFixture(t, fixtures[0])), Options{Scale: 3}); err == nil {
		t.Error("scale 3: no error")
	}
}
