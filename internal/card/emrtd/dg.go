package emrtd

import (
	"fmt"
	"strings"

	"github.com/sportello/sportello/internal/card/iso7816"
)

// COM is EF.COM: the LDS version and the data groups present.
type COM struct {
	LDSVersion     string
	UnicodeVersion string
	Tags           []byte
}

// DataGroups lists the data group numbers EF.COM announces.
func (c COM) DataGroups() []int {
	var out []int
	for _, t := range c.Tags {
		for n := 1; n <= 16; n++ {
			if DGTag(n) == t {
				out = append(out, n)
			}
		}
	}
	return out
}

// ParseCOM decodes EF.COM (tag 60).
func ParseCOM(b []byte) (COM, error) {
	v, err := iso7816.Path(b, 0x60)
	if err != nil {
		return COM{}, fmt.Errorf("emrtd: EF.COM: %w", err)
	}
	var c COM
	if x, ok := iso7816.Find(v, 0x5F01); ok {
		c.LDSVersion = string(x)
	}
	if x, ok := iso7816.Find(v, 0x5F36); ok {
		c.UnicodeVersion = string(x)
	}
	tags, ok := iso7816.Find(v, 0x5C)
	if !ok {
		return COM{}, fmt.Errorf("emrtd: EF.COM without tag list")
	}
	c.Tags = append([]byte(nil), tags...)
	return c, nil
}

// BuildCOM encodes EF.COM announcing the given data groups (LDS 1.7, Unicode 4.0.0).
func BuildCOM(dgs []int) []byte {
	var tags []byte
	for _, n := range dgs {
		tags = append(tags, DGTag(n))
	}
	return iso7816.Encode(0x60, iso7816.Encode(0x5F01, []byte("0107")),
		iso7816.Encode(0x5F36, []byte("040000")), iso7816.Encode(0x5C, tags))
}

// ParseDG1 returns the MRZ stored in DG1 (tag 61, 5F1F), as one string.
func ParseDG1(b []byte) (string, error) {
	v, err := iso7816.Path(b, 0x61, 0x5F1F)
	if err != nil {
		return "", fmt.Errorf("emrtd: DG1: %w", err)
	}
	switch len(v) {
	case 90, 88, 72: // TD1, TD3, TD2
	default:
		return "", fmt.Errorf("emrtd: DG1: MRZ of %d characters", len(v))
	}
	for _, c := range v {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '<') {
			return "", fmt.Errorf("emrtd: DG1: MRZ has byte %02X", c)
		}
	}
	return string(v), nil
}

// MRZLines splits a DG1 MRZ into its printed lines (30, 36 or 44 characters).
func MRZLines(mrz string) []string {
	n := 30
	switch len(mrz) {
	case 88:
		n = 44
	case 72:
		n = 36
	}
	var out []string
	for len(mrz) >= n {
		out = append(out, mrz[:n])
		mrz = mrz[n:]
	}
	return out
}

// BuildDG1 encodes DG1 from the MRZ lines.
func BuildDG1(lines ...string) []byte {
	return iso7816.Encode(0x61, iso7816.Encode(0x5F1F, []byte(strings.Join(lines, ""))))
}

// Field is one named value of DG11 or DG12.
type Field struct {
	Tag   uint32
	Name  string
	Value string
}

var dg11Names = map[uint32]string{
	0x5F0E: "full name",
	0x5F0F: "other names",
	0x5F10: "personal number",
	0x5F2B: "date of birth",
	0x5F11: "place of birth",
	0x5F42: "address",
	0x5F12: "telephone",
	0x5F13: "profession",
	0x5F14: "title",
	0x5F15: "personal summary",
	0x5F18: "other travel document numbers",
	0x5F19: "custody information",
}

var dg12Names = map[uint32]string{
	0x5F19: "issuing authority",
	0x5F26: "date of issue",
	0x5F1A: "other persons",
	0x5F1B: "endorsements",
	0x5F1C: "tax or exit requirements",
	0x5F55: "personalisation time",
	0x5F56: "personalisation device serial number",
}

// ParseDG11 returns the additional personal details (tag 6B). The CIE keeps
// the codice fiscale in "personal number" (5F10).
func ParseDG11(b []byte) ([]Field, error) { return parseFields(b, 0x6B, dg11Names) }

// ParseDG12 returns the additional document details (tag 6C).
func ParseDG12(b []byte) ([]Field, error) { return parseFields(b, 0x6C, dg12Names) }

func parseFields(b []byte, outer uint32, names map[uint32]string) ([]Field, error) {
	v, err := iso7816.Path(b, outer)
	if err != nil {
		return nil, fmt.Errorf("emrtd: DG %X: %w", outer, err)
	}
	objs, err := iso7816.ParseAll(v)
	if err != nil {
		return nil, fmt.Errorf("emrtd: DG %X: %w", outer, err)
	}
	var out []Field
	for _, o := range objs {
		name, ok := names[o.Tag]
		if !ok {
			continue // the tag list 5C, and proprietary or unknown fields
		}
		out = append(out, Field{Tag: o.Tag, Name: name, Value: string(o.Value)})
	}
	return out, nil
}

// BuildFields encodes DG11 (outer 6B) or DG12 (outer 6C) from fields, with the
// tag list the standard requires first.
func BuildFields(outer uint32, fields []Field) []byte {
	var list, body []byte
	for _, f := range fields {
		list = append(list, iso7816.EncodeTag(f.Tag)...)
		body = append(body, iso7816.Encode(f.Tag, []byte(f.Value))...)
	}
	return iso7816.Encode(outer, iso7816.Encode(0x5C, list), body)
}
