package der

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"testing"
)

func TestRead(t *testing.T) {
	long := bytes.Repeat([]byte{0xAB}, 300)
	longEnc, _ := asn1.Marshal(long)
	tests := []struct {
		name        string
		in          []byte
		class       int
		constructed bool
		tag         uint32
		value       []byte
		rest        []byte
	}{
		{"integer", []byte{0x02, 0x01, 0x05}, ClassUniversal, false, 2, []byte{5}, nil},
		{"with trailing bytes", []byte{0x30, 0x03, 0x02, 0x01, 0x05, 0x90, 0x00}, ClassUniversal, true, 16, []byte{2, 1, 5}, []byte{0x90, 0x00}},
		{"application 23", []byte{0x77, 0x02, 0x05, 0x00}, ClassApplication, true, 23, []byte{5, 0}, nil},
		{"context 0 implicit", []byte{0xA0, 0x00}, ClassContext, true, 0, []byte{}, nil},
		{"high tag", []byte{0x5F, 0x1F, 0x01, 0x41}, ClassApplication, false, 0x1F, []byte{0x41}, nil},
		{"two-octet high tag", []byte{0x7F, 0x81, 0x00, 0x00}, ClassApplication, true, 0x80, []byte{}, nil},
		{"long form", longEnc, ClassUniversal, false, 4, long, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, rest, err := Read(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !e.Is(tt.class, tt.constructed, tt.tag) || !bytes.Equal(e.Value, tt.value) || !bytes.Equal(rest, tt.rest) {
				t.Errorf("got %v rest %x", e, rest)
			}
			if len(e.Raw)+len(rest) != len(tt.in) {
				t.Errorf("raw %d + rest %d != input %d", len(e.Raw), len(rest), len(tt.in))
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"one byte", []byte{0x30}},
		{"short value", []byte{0x04, 0x03, 0x01}},
		{"indefinite", []byte{0x30, 0x80, 0x00, 0x00}},
		{"length of five octets", []byte{0x04, 0x85, 0, 0, 0, 0, 1}},
		{"huge length", []byte{0x04, 0x84, 0x7f, 0xff, 0xff, 0xff}},
		{"truncated long length", []byte{0x04, 0x82, 0x01}},
		{"unterminated high tag", []byte{0x1F, 0x81, 0x81}},
		{"tag too large", []byte{0x1F, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := Read(tt.in); err == nil {
				t.Error("no error")
			}
		})
	}
	if _, _, err := Read([]byte{0x04, 0x05, 1}); !errors.Is(err, ErrTruncated) {
		t.Errorf("err = %v, want ErrTruncated", err)
	}
}

func TestUnwrapAndUint(t *testing.T) {
	inner := []byte{0x30, 0x00}
	tests := []struct {
		name string
		in   []byte
		want []byte
	}{
		{"wrapped", []byte{0x77, 0x02, 0x30, 0x00}, inner},
		{"bare", inner, inner},
		{"other tag", []byte{0x78, 0x02, 0x30, 0x00}, []byte{0x78, 0x02, 0x30, 0x00}},
		{"trailing data", []byte{0x77, 0x02, 0x30, 0x00, 0x00}, []byte{0x77, 0x02, 0x30, 0x00, 0x00}},
	}
	for _, tt := range tests {
		if got := Unwrap(tt.in, 23); !bytes.Equal(got, tt.want) {
			t.Errorf("%s: Unwrap = %x, want %x", tt.name, got, tt.want)
		}
	}
	uints := []struct {
		in   []byte
		want int
		ok   bool
	}{
		{[]byte{0xA1}, 0xA1, true},
		{[]byte{0x00, 0xA1}, 0xA1, true},
		{[]byte{0x01}, 1, true},
		{nil, 0, false},
		{[]byte{0x80, 0, 0, 0}, 0, false},
		{[]byte{1, 2, 3, 4, 5}, 0, false},
	}
	for _, u := range uints {
		got, err := Uint(u.in)
		if (err == nil) != u.ok || got != u.want {
			t.Errorf("Uint(%x) = %d, %v", u.in, got, err)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte{0x77, 0x82, 0x00, 0x04, 0x30, 0x02, 0x05, 0x00})
	f.Add([]byte{0x5F, 0x1F, 0x01, 0x41})
	f.Add([]byte{0x30, 0x84, 0x00, 0x00, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, rest, err := Read(b)
		if err != nil {
			return
		}
		if len(e.Raw)+len(rest) != len(b) || !bytes.HasSuffix(e.Raw, e.Value) {
			t.Fatalf("element boundaries inconsistent: raw %d value %d rest %d input %d", len(e.Raw), len(e.Value), len(rest), len(b))
		}
		if e.Constructed {
			_, _ = ReadAll(e.Value)
		}
		_ = Unwrap(b, 23)
	})
}
