package iso7816

import (
	"bytes"
	"errors"
	"testing"
)

func TestParseTLV(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		tag   uint32
		value string
		rest  string
		err   error
	}{
		{"one byte tag", "8701AA", 0x87, "AA", "", nil},
		{"two byte tag", "5F1F03414243FF", 0x5F1F, "414243", "FF", nil},
		{"three byte tag", "7F8101014200", 0x7F8101, "42", "00", nil},
		{"81 length", "53810102FF", 0x53, "02", "FF", nil},
		{"82 length", "7582000101" + "", 0x75, "01", "", nil},
		{"truncated value", "6103AABB", 0, "", "", ErrTruncated},
		{"truncated tag", "5F", 0, "", "", ErrTruncated},
		{"empty", "", 0, "", "", ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rest, err := ParseTLV(h(tt.in))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Tag != tt.tag || !bytes.Equal(got.Value, h(tt.value)) || !bytes.Equal(rest, h(tt.rest)) {
				t.Fatalf("got %X %X rest %X", got.Tag, got.Value, rest)
			}
		})
	}
}

func TestParseTLVRejects(t *testing.T) {
	for _, in := range []string{"6180", "618500000000FF", "5FFFFFFF7F01"} {
		if _, _, err := ParseTLV(h(in)); err == nil || errors.Is(err, ErrTruncated) {
			t.Errorf("%s: err = %v, want a format error", in, err)
		}
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 255, 256, 65535, 70000} {
		for _, tag := range []uint32{0x87, 0x5F1F, 0x7F8101} {
			v := bytes.Repeat([]byte{0x5A}, n)
			enc := Encode(tag, v)
			got, rest, err := ParseTLV(enc)
			if err != nil || got.Tag != tag || !bytes.Equal(got.Value, v) || len(rest) != 0 {
				t.Fatalf("tag %X len %d: %v", tag, n, err)
			}
		}
	}
}

func TestPath(t *testing.T) {
	dg1 := Encode(0x61, Encode(0x5F1F, []byte("MRZ")))
	v, err := Path(dg1, 0x61, 0x5F1F)
	if err != nil || string(v) != "MRZ" {
		t.Fatalf("Path = %q, %v", v, err)
	}
	if _, err := Path(dg1, 0x61, 0x5F20); err == nil {
		t.Fatal("missing tag found")
	}
	if got := Encode(0x7F61, nil); !bytes.Equal(got, h("7F6100")) {
		t.Fatalf("Encode(7F61) = %X", got)
	}
}

func FuzzParseTLV(f *testing.F) {
	f.Add(h("5F1F03414243"))
	f.Add(h("7582000101"))
	f.Add(h("7F61820000"))
	f.Fuzz(func(t *testing.T, b []byte) {
		obj, rest, err := ParseTLV(b)
		if err != nil {
			return
		}
		if len(obj.Value)+len(rest) > len(b) {
			t.Fatalf("value and rest longer than input")
		}
		re := append(Encode(obj.Tag, obj.Value), rest...)
		if again, _, err := ParseTLV(re); err != nil || again.Tag != obj.Tag || !bytes.Equal(again.Value, obj.Value) {
			t.Fatalf("re-encoded %X does not parse back: %v", re, err)
		}
		_, _ = ParseAll(b)
	})
}
