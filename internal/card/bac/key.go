package bac

import (
	"crypto/sha1"
	"fmt"
	"strings"
)

// Key is the part of the MRZ that opens the chip: document number, date of
// birth and date of expiry (YYMMDD).
type Key struct {
	DocumentNumber string
	DateOfBirth    string
	DateOfExpiry   string
}

// ParseKey reads "DOCNO,YYMMDD,YYMMDD", the form the CLI takes.
func ParseKey(s string) (Key, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return Key{}, fmt.Errorf("bac: MRZ key %q is not DOCNO,BIRTH,EXPIRY", s)
	}
	k := Key{
		DocumentNumber: strings.ToUpper(strings.TrimSpace(parts[0])),
		DateOfBirth:    strings.TrimSpace(parts[1]),
		DateOfExpiry:   strings.TrimSpace(parts[2]),
	}
	return k, k.Validate()
}

// Validate checks the character sets and lengths the MRZ allows.
func (k Key) Validate() error {
	if n := len(k.DocumentNumber); n == 0 || n > 9 {
		return fmt.Errorf("bac: document number %q must have 1 to 9 characters", k.DocumentNumber)
	}
	for _, c := range k.DocumentNumber {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == '<') {
			return fmt.Errorf("bac: document number %q has %q", k.DocumentNumber, c)
		}
	}
	for _, d := range []string{k.DateOfBirth, k.DateOfExpiry} {
		if len(d) != 6 || strings.Trim(d, "0123456789") != "" {
			return fmt.Errorf("bac: date %q is not YYMMDD", d)
		}
	}
	return nil
}

// CheckDigit computes the MRZ check digit (weights 7, 3, 1; A-Z are 10-35, < is 0).
func CheckDigit(s string) byte {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i, c := range s {
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * weights[i%3]
	}
	return byte('0' + sum%10)
}

// MRZInfo is the string hashed into the key seed: each field followed by its
// check digit, the document number padded with < to nine characters.
func (k Key) MRZInfo() string {
	doc := k.DocumentNumber
	for len(doc) < 9 {
		doc += "<"
	}
	var b strings.Builder
	for _, f := range []string{doc, k.DateOfBirth, k.DateOfExpiry} {
		b.WriteString(f)
		b.WriteByte(CheckDigit(f))
	}
	return b.String()
}

// Seed is K_seed, the first 16 bytes of SHA-1 of the MRZ information.
func (k Key) Seed() []byte {
	sum := sha1.Sum([]byte(k.MRZInfo()))
	return sum[:16]
}

// PACESecret is the MRZ password of PACE: the whole SHA-1 of the MRZ information.
func (k Key) PACESecret() []byte {
	sum := sha1.Sum([]byte(k.MRZInfo()))
	return sum[:]
}
