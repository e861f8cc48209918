package booking

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/sportello/sportello/internal/codicefiscale"
	"github.com/sportello/sportello/internal/model"
)

// Contact is what a citizen types at the personal-data step.
type Contact struct {
	Email string
	Phone string
	Lang  string
}

var phoneRE = regexp.MustCompile(`^\+?[0-9][0-9 ./-]{5,19}$`)

// NormalizeContact trims and validates e-mail and telephone. Errors name the field so
// the form shows them in place.
func NormalizeContact(c *Contact) error {
	c.Email = strings.ToLower(strings.TrimSpace(c.Email))
	c.Phone = strings.TrimSpace(c.Phone)
	if c.Lang != "en" {
		c.Lang = "it"
	}
	a, err := mail.ParseAddress(c.Email)
	if err != nil || a.Address != c.Email || len(c.Email) > 254 || !strings.Contains(c.Email[strings.LastIndexByte(c.Email, '@'):], ".") {
		return model.FieldError("email", "enter a valid e-mail address, e.g. nome@esempio.it")
	}
	if !phoneRE.MatchString(c.Phone) {
		return model.FieldError("phone", "enter a telephone number of 6 to 20 digits")
	}
	return nil
}

// NormalizePerson trims names and validates the codice fiscale with its check character
// and omocodia; i numbers the field names (cf_0, name_0, …) of household members.
func NormalizePerson(p *Person, i int) error {
	p.Name = strings.Join(strings.Fields(p.Name), " ")
	p.Surname = strings.Join(strings.Fields(p.Surname), " ")
	if p.Name == "" || utf8.RuneCountInString(p.Name) > 100 {
		return model.FieldError(fmt.Sprintf("name_%d", i), "enter the first name (at most 100 characters)")
	}
	if p.Surname == "" || utf8.RuneCountInString(p.Surname) > 100 {
		return model.FieldError(fmt.Sprintf("surname_%d", i), "enter the surname (at most 100 characters)")
	}
	code, err := codicefiscale.Parse(p.CF)
	if err != nil {
		field := fmt.Sprintf("cf_%d", i)
		switch {
		case errors.Is(err, codicefiscale.ErrCheck):
			return model.FieldError(field, "the codice fiscale's last character does not match: check for a typing mistake")
		case errors.Is(err, codicefiscale.ErrLength):
			return model.FieldError(field, "a codice fiscale has 16 characters")
		case errors.Is(err, codicefiscale.ErrDate):
			return model.FieldError(field, "the codice fiscale holds an impossible birth date")
		default:
			return model.FieldError(field, "the codice fiscale contains a character not allowed at that position")
		}
	}
	if code.IsNumeric() {
		return model.FieldError(fmt.Sprintf("cf_%d", i), "enter a person's 16-character codice fiscale")
	}
	// Omocodic variants of one printed code count as the same person for the caps.
	p.CF = code.String()
	return nil
}

// CapKey is the codice fiscale used for the per-person cap: omocodia undone, so a
// variant typed with letters for digits cannot dodge the cap.
func CapKey(cf string) string {
	code, err := codicefiscale.Parse(cf)
	if err != nil {
		return codicefiscale.Normalize(cf)
	}
	return code.Base().String()
}

// MaskCF shows the first 6 characters only, for logs and e-mails.
func MaskCF(cf string) string {
	if len(cf) < 6 {
		return "******"
	}
	return cf[:6] + strings.Repeat("*", len(cf)-6)
}

// ParseCheck validates a codice fiscale and returns its canonical form.
func ParseCheck(cf string) (string, error) {
	code, err := codicefiscale.Parse(cf)
	if err != nil {
		return "", err
	}
	return code.String(), nil
}
