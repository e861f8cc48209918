package codicefiscale

import (
	"fmt"
	"strings"
)

// omocodia maps the letters that replace digits in an omocodic code back to digits.
const omocodia = "LMNPQRSTUV"

// digitPositions are the 0-based positions that hold digits in a base code, from
// the right: the Agenzia delle Entrate replaces them in this order.
var digitPositions = [7]int{14, 13, 12, 10, 9, 7, 6}

// Code is a valid codice fiscale in canonical (upper-case, no spaces) form.
type Code struct {
	s string
}

// String returns the canonical code, as the holder's card shows it.
func (c Code) String() string { return c.s }

// IsNumeric reports whether this is an 11-digit code (temporary or legal entity),
// which carries no birth date or sex.
func (c Code) IsNumeric() bool { return len(c.s) == 11 }

// IsOmocodic reports whether some digits were replaced by letters.
func (c Code) IsOmocodic() bool {
	if c.IsNumeric() {
		return false
	}
	return c.s != c.Base().s
}

// Base returns the code with omocodia undone and its check character recomputed.
// Two holders can share a base code, so Base is for matching variants of the
// same printed code (a card issued before and after omocodia), not identity.
func (c Code) Base() Code {
	if c.IsNumeric() {
		return c
	}
	b := []byte(c.s)
	for _, p := range digitPositions {
		if i := strings.IndexByte(omocodia, b[p]); i >= 0 {
			b[p] = byte('0' + i)
		}
	}
	b[15] = checkChar(string(b))
	return Code{s: string(b)}
}

// Normalize trims blanks and upper-cases, so a code typed with spaces or in lower
// case still validates; it does not correct anything else.
func Normalize(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.ReplaceAll(s, " ", "")
}

// Parse validates s (after Normalize) and returns the canonical code, or an
// *Error that says what is wrong and at which position.
func Parse(s string) (Code, error) {
	s = Normalize(s)
	switch len(s) {
	case 16:
		return parsePersonal(s)
	case 11:
		return parseNumeric(s)
	}
	return Code{}, &Error{Kind: ErrLength, Detail: fmt.Sprintf("%d characters, want 16 (or 11 digits)", len(s))}
}

// Valid reports whether s is a valid code; use Parse to learn why not.
func Valid(s string) bool {
	_, err := Parse(s)
	return err == nil
}

func parseNumeric(s string) (Code, error) {
	for i := 0; i < 11; i++ {
		if s[i] < '0' || s[i] > '9' {
			return Code{}, &Error{Kind: ErrCharacter, Pos: i + 1, Detail: fmt.Sprintf("%s, an 11-character code has only digits", quote(s[i]))}
		}
	}
	if want := numericCheckDigit(s); s[10] != want {
		return Code{}, &Error{Kind: ErrCheck, Pos: 11, Detail: fmt.Sprintf("%s, expected %s", quote(s[10]), quote(want))}
	}
	return Code{s: s}, nil
}

func parsePersonal(s string) (Code, error) {
	isLetter := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	for _, i := range [...]int{0, 1, 2, 3, 4, 5, 8, 11, 15} {
		if !isLetter(s[i]) {
			return Code{}, &Error{Kind: ErrCharacter, Pos: i + 1, Detail: fmt.Sprintf("%s, want a letter", quote(s[i]))}
		}
	}
	// Omocodia replaces digits from the right, so once a position holds a digit,
	// every position further left must hold a digit too.
	seenDigit := false
	for _, p := range digitPositions {
		c := s[p]
		switch {
		case c >= '0' && c <= '9':
			seenDigit = true
		case strings.IndexByte(omocodia, c) >= 0:
			if seenDigit {
				return Code{}, &Error{Kind: ErrCharacter, Pos: p + 1, Detail: fmt.Sprintf("%s, omocodia replaces digits from the right but a digit follows", quote(c))}
			}
		default:
			return Code{}, &Error{Kind: ErrCharacter, Pos: p + 1, Detail: fmt.Sprintf("%s, want a digit or one of %s", quote(c), omocodia)}
		}
	}
	if monthOf(s[8]) == 0 {
		return Code{}, &Error{Kind: ErrCharacter, Pos: 9, Detail: fmt.Sprintf("%s, want a month letter (%s)", quote(s[8]), months)}
	}
	if want := checkChar(s); s[15] != want {
		return Code{}, &Error{Kind: ErrCheck, Pos: 16, Detail: fmt.Sprintf("%s, expected %s", quote(s[15]), quote(want))}
	}
	c := Code{s: s}
	b := c.Base().s
	day := int(b[9]-'0')*10 + int(b[10]-'0')
	if day > 40 {
		day -= 40
	}
	if day < 1 || day > 31 {
		return Code{}, &Error{Kind: ErrDate, Pos: 10, Detail: fmt.Sprintf("day %s, want 01-31 (41-71 for women)", b[9:11])}
	}
	return c, nil
}

func quote(c byte) string {
	if c < 0x20 || c >= 0x7f {
		return fmt.Sprintf("byte 0x%02x", c)
	}
	return fmt.Sprintf("%q", rune(c))
}
