package booth

import (
	"crypto/rand"
	"encoding/binary"
	"strings"

	"github.com/sportello/sportello/internal/model"
)

// A retrieval code is 11 Crockford base32 symbols (55 random bits) and Crockford's
// mod-37 check symbol. Codes whose check would be one of the five extra symbols
// (*~$=U) are never issued, so every printed character is a letter or a digit a citizen
// can read aloud; that costs 0.2 bits, leaving 54.8 (PRODUCT.md §3 asks for ≥ 50).
const (
	codeData    = 11
	codeLen     = codeData + 1
	alphabet    = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	checkSymbol = alphabet + "*~$=U"
)

// Code is a retrieval code in canonical form: 12 upper-case symbols without dashes.
type Code string

// ErrBadCode is returned for any input that is not a well-formed code with the right
// check symbol; it is refused before any database lookup.
var ErrBadCode = model.FieldError("code", "Codice non valido: controlli di averlo scritto bene / Invalid code: check that you typed it correctly")

// NewCode draws a fresh random code.
func NewCode() Code {
	for {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic("booth: crypto/rand failed: " + err.Error()) // never happens on supported systems
		}
		v := binary.BigEndian.Uint64(b[:]) >> (64 - 5*codeData)
		if v%37 < 32 {
			return encode(v)
		}
	}
}

func encode(v uint64) Code {
	var out [codeLen]byte
	for i := codeData - 1; i >= 0; i-- {
		out[i] = alphabet[v&31]
		v >>= 5
	}
	return Code(out[:codeData]) + Code(checkSymbol[checkOf(out[:codeData])])
}

// checkOf is Crockford's check: the value of the data symbols, mod 37.
func checkOf(data []byte) uint64 {
	var v uint64
	for _, c := range data {
		v = v<<5 | uint64(strings.IndexByte(alphabet, c))
	}
	return v % 37
}

// ParseCode accepts what people type or scanners send: lower case, dashes or spaces
// anywhere, O for 0, and I or L for 1. A wrong length, a foreign symbol or a wrong
// check symbol is ErrBadCode.
func ParseCode(s string) (Code, error) {
	if len(s) > 64 {
		return "", ErrBadCode
	}
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' || c == ' ' || c == '\t':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		switch c {
		case 'O':
			c = '0'
		case 'I', 'L':
			c = '1'
		}
		out = append(out, c)
	}
	if len(out) != codeLen {
		return "", ErrBadCode
	}
	for _, c := range out[:codeData] {
		if strings.IndexByte(alphabet, c) < 0 {
			return "", ErrBadCode
		}
	}
	if out[codeData] != checkSymbol[checkOf(out[:codeData])] {
		return "", ErrBadCode
	}
	return Code(out), nil
}

// String groups the code for reading aloud: K7M2-9QXD-4TB5.
func (c Code) String() string {
	s := string(c)
	if len(s) != codeLen {
		return s
	}
	return s[:4] + "-" + s[4:8] + "-" + s[8:]
}
