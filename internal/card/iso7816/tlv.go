package iso7816

import (
	"errors"
	"fmt"
)

// TLV is one BER-TLV data object as the card encodes it: tags of up to four
// bytes and definite lengths of up to four bytes (ISO 7816-4 §5.2, ICAO 9303-10).
type TLV struct {
	Tag   uint32
	Value []byte
}

// Constructed reports whether the tag says the value holds nested objects.
func (t TLV) Constructed() bool {
	first := t.Tag
	for first > 0xFF {
		first >>= 8
	}
	return first&0x20 != 0
}

// ErrTruncated means the bytes end before the object does; a reader that reads a
// file in chunks uses it to know it needs more.
var ErrTruncated = errors.New("tlv: truncated")

// maxTLVLength bounds declared lengths, so a hostile length cannot make callers
// allocate gigabytes. Biometric data groups stay well below this.
const maxTLVLength = 1 << 24

// ParseHeader decodes the tag and length at the start of b and returns the tag,
// the header length and the value length.
func ParseHeader(b []byte) (tag uint32, headerLen, valueLen int, err error) {
	if len(b) == 0 {
		return 0, 0, 0, ErrTruncated
	}
	i := 0
	tag = uint32(b[0])
	i++
	if b[0]&0x1F == 0x1F {
		for {
			if i >= len(b) {
				return 0, 0, 0, ErrTruncated
			}
			if i == 4 {
				return 0, 0, 0, errors.New("tlv: tag longer than 4 bytes")
			}
			tag = tag<<8 | uint32(b[i])
			i++
			if b[i-1]&0x80 == 0 {
				break
			}
		}
	}
	if i >= len(b) {
		return 0, 0, 0, ErrTruncated
	}
	l := int(b[i])
	i++
	if l == 0x80 {
		return 0, 0, 0, errors.New("tlv: indefinite length not allowed")
	}
	if l > 0x80 {
		n := l & 0x7F
		if n > 4 {
			return 0, 0, 0, fmt.Errorf("tlv: %d length bytes", n)
		}
		if i+n > len(b) {
			return 0, 0, 0, ErrTruncated
		}
		l = 0
		for _, c := range b[i : i+n] {
			l = l<<8 | int(c)
		}
		i += n
	}
	if l > maxTLVLength {
		return 0, 0, 0, fmt.Errorf("tlv: length %d too large", l)
	}
	return tag, i, l, nil
}

// ParseTLV decodes the first object in b and returns it with the bytes after it.
func ParseTLV(b []byte) (TLV, []byte, error) {
	tag, h, l, err := ParseHeader(b)
	if err != nil {
		return TLV{}, nil, err
	}
	if h+l > len(b) {
		return TLV{}, nil, ErrTruncated
	}
	return TLV{Tag: tag, Value: b[h : h+l]}, b[h+l:], nil
}

// ParseAll decodes a sequence of objects that must fill b exactly. Padding bytes
// 00 and FF between objects are skipped, as ISO 7816-4 allows.
func ParseAll(b []byte) ([]TLV, error) {
	var out []TLV
	for len(b) > 0 {
		if b[0] == 0x00 || b[0] == 0xFF {
			b = b[1:]
			continue
		}
		t, rest, err := ParseTLV(b)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		b = rest
	}
	return out, nil
}

// Find returns the value of the first object with tag among the objects of b.
func Find(b []byte, tag uint32) ([]byte, bool) {
	objs, err := ParseAll(b)
	if err != nil {
		return nil, false
	}
	for _, o := range objs {
		if o.Tag == tag {
			return o.Value, true
		}
	}
	return nil, false
}

// Path follows nested tags from b, for example (0x75, 0x7F61) into DG2.
func Path(b []byte, tags ...uint32) ([]byte, error) {
	cur := b
	for _, tag := range tags {
		v, ok := Find(cur, tag)
		if !ok {
			return nil, fmt.Errorf("tlv: tag %X not found", tag)
		}
		cur = v
	}
	return cur, nil
}

// EncodeLength encodes a definite BER length.
func EncodeLength(n int) []byte {
	switch {
	case n < 0x80:
		return []byte{byte(n)}
	case n <= 0xFF:
		return []byte{0x81, byte(n)}
	case n <= 0xFFFF:
		return []byte{0x82, byte(n >> 8), byte(n)}
	case n <= 0xFFFFFF:
		return []byte{0x83, byte(n >> 16), byte(n >> 8), byte(n)}
	}
	return []byte{0x84, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}
}

// EncodeTag encodes a tag of up to four bytes.
func EncodeTag(tag uint32) []byte {
	switch {
	case tag <= 0xFF:
		return []byte{byte(tag)}
	case tag <= 0xFFFF:
		return []byte{byte(tag >> 8), byte(tag)}
	case tag <= 0xFFFFFF:
		return []byte{byte(tag >> 16), byte(tag >> 8), byte(tag)}
	}
	return []byte{byte(tag >> 24), byte(tag >> 16), byte(tag >> 8), byte(tag)}
}

// Encode builds one object; values may be concatenations of encoded objects.
func Encode(tag uint32, value ...[]byte) []byte {
	n := 0
	for _, v := range value {
		n += len(v)
	}
	out := append(EncodeTag(tag), EncodeLength(n)...)
	for _, v := range value {
		out = append(out, v...)
	}
	return out
}
