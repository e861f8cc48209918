// Package der reads ASN.1 BER/DER tag-length-value elements without a schema. The chip
// files wrap their DER in application tags (EF.SOD in 0x77) and the IAS Kpub file may
// carry bytes after its key, so callers need the raw element boundaries that
// encoding/asn1 does not give. Hand-written: no reachable library covers eMRTD TLV.
package der

import (
	"errors"
	"fmt"
)

// Tag classes, as in the two top bits of the first identifier octet.
const (
	ClassUniversal   = 0
	ClassApplication = 1
	ClassContext     = 2
	ClassPrivate     = 3
)

// ErrTruncated says the input ends inside an element.
var ErrTruncated = errors.New("der: truncated element")

// maxLength bounds a declared length, so a four-byte length field cannot ask for more
// than any card file or master list we accept.
const maxLength = 1 << 28

// Element is one decoded TLV. Value and Raw alias the input.
type Element struct {
	Class       int
	Constructed bool
	Tag         uint32 // the tag number, without class and constructed bits
	Value       []byte
	Raw         []byte // identifier, length and value exactly as read
}

// Is reports whether e has the given class, form and tag number.
func (e Element) Is(class int, constructed bool, tag uint32) bool {
	return e.Class == class && e.Constructed == constructed && e.Tag == tag
}

// String names the element as class/tag for error messages.
func (e Element) String() string {
	return fmt.Sprintf("[class %d tag %d constructed=%v len %d]", e.Class, e.Tag, e.Constructed, len(e.Value))
}

// Read decodes the first element of b and returns it with the bytes after it. Only
// definite lengths are accepted: ICAO 9303 files are DER.
func Read(b []byte) (Element, []byte, error) {
	if len(b) < 2 {
		return Element{}, nil, ErrTruncated
	}
	e := Element{Class: int(b[0] >> 6), Constructed: b[0]&0x20 != 0, Tag: uint32(b[0] & 0x1f)}
	i := 1
	if e.Tag == 0x1f {
		e.Tag = 0
		for n := 0; ; n++ {
			if i >= len(b) {
				return Element{}, nil, ErrTruncated
			}
			if n == 4 {
				return Element{}, nil, errors.New("der: tag number too large")
			}
			c := b[i]
			i++
			e.Tag = e.Tag<<7 | uint32(c&0x7f)
			if c&0x80 == 0 {
				break
			}
		}
	}
	if i >= len(b) {
		return Element{}, nil, ErrTruncated
	}
	l := int(b[i])
	i++
	if l == 0x80 {
		return Element{}, nil, errors.New("der: indefinite length not supported")
	}
	if l > 0x80 {
		n := l & 0x7f
		if n > 4 {
			return Element{}, nil, errors.New("der: length field too long")
		}
		if i+n > len(b) {
			return Element{}, nil, ErrTruncated
		}
		l = 0
		for _, c := range b[i : i+n] {
			l = l<<8 | int(c)
		}
		i += n
		if l > maxLength {
			return Element{}, nil, errors.New("der: length too large")
		}
	}
	if l > len(b)-i {
		return Element{}, nil, ErrTruncated
	}
	e.Value = b[i : i+l]
	e.Raw = b[:i+l]
	return e, b[i+l:], nil
}

// ReadAll decodes consecutive elements filling b entirely, as inside a SEQUENCE or SET.
func ReadAll(b []byte) ([]Element, error) {
	var out []Element
	for len(b) > 0 {
		e, rest, err := Read(b)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		b = rest
	}
	return out, nil
}

// Unwrap returns the content of b if b is a single element with the given application
// tag, and b unchanged otherwise. EF.SOD comes wrapped in application tag 23 (0x77)
// when read from the chip and bare when exported by other tools; both are accepted.
func Unwrap(b []byte, appTag uint32) []byte {
	e, rest, err := Read(b)
	if err != nil || !e.Is(ClassApplication, true, appTag) || len(rest) != 0 {
		return b
	}
	return e.Value
}

// Uint reads the content octets of an INTEGER as unsigned big-endian. Card issuers
// encode data group numbers such as 0xA1 in one octet although DER would read that as
// negative; reading them unsigned accepts both encodings.
func Uint(v []byte) (int, error) {
	if len(v) == 0 || len(v) > 4 || (len(v) == 4 && v[0] >= 0x80) {
		return 0, fmt.Errorf("der: integer of %d octets out of range", len(v))
	}
	n := 0
	for _, c := range v {
		n = n<<8 | int(c)
	}
	return n, nil
}
