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
	// OnBehalf is set only by the clerk's booking on behalf of a caller on the phone,
	// who may have no e-mail address: then the e-mail may be empty and the telephone,
	// always required, is how the office reaches them. Citizens must give an e-mail,
	// since it carries the only link to manage the booking.
	OnBehalf bool `json:"-"`
}

var phoneRE = regexp.MustCompile(`^\+?[0-9][0-9 ./-]{5,19}$`)

// NormalizeContact trims and validates e-mail and telephone. Errors name the field so
// the form shows them in place; it returns the first, ContactErrors all of them.
func NormalizeContact(c *Contact) error {
	if errs := ContactErrors(c); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// ContactErrors trims c and returns every contact field error, e-mail first.
func ContactErrors(c *Contact) []error {
	c.Email = strings.ToLower(strings.TrimSpace(c.Email))
	c.Phone = strings.TrimSpace(c.Phone)
	if c.Lang != "en" {
		c.Lang = "it"
	}
	var errs []error
	if c.Email != "" || !c.OnBehalf {
		a, err := mail.ParseAddress(c.Email)
		if err != nil || a.Address != c.Email || len(c.Email) > 254 || !strings.Contains(c.Email[strings.LastIndexByte(c.Email, '@')+1:], ".") {
			errs = append(errs, model.FieldError("email", "enter a valid e-mail address, e.g. nome@esempio.it"))
		}
	}
	if !phoneRE.MatchString(c.Phone) {
		if c.OnBehalf && c.Email == "" {
			errs = append(errs, model.FieldError("phone", "without an e-mail address a telephone number of 6 to 20 digits is required"))
		} else {
			errs = append(errs, model.FieldError("phone", "enter a telephone number of 6 to 20 digits"))
		}
	}
	return errs
}

// NormalizePerson trims names and validates the codice fiscale with its check character
// and omocodia; i numbers the field names (cf_0, name_0, …) of household members. It
// returns the first error, PersonErrors all of them.
func NormalizePerson(p *Person, i int) error {
	if errs := PersonErrors(p, i); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// PersonErrors trims p and returns an error for each wrong field: name, surname and
// codice fiscale are checked independently, so a form marks all of them at once.
func PersonErrors(p *Person, i int) []error {
	var errs []error
	p.Name = strings.Join(strings.Fields(p.Name), " ")
	p.Surname = strings.Join(strings.Fields(p.Surname), " ")
	if p.Name == "" || utf8.RuneCountInString(p.Name) > 100 {
		errs = append(errs, model.FieldError(fmt.Sprintf("name_%d", i), "enter the first name (at most 100 characters)"))
	}
	if p.Surname == "" || utf8.RuneCountInString(p.Surname) > 100 {
		errs = append(errs, model.FieldError(fmt.Sprintf("surname_%d", i), "enter the surname (at most 100 characters)"))
	}
	field := fmt.Sprintf("cf_%d", i)
	code, err := codicefiscale.Parse(p.CF)
	switch {
	case errors.Is(err, codicefiscale.ErrCheck):
		errs = append(errs, model.FieldError(field, "the codice fiscale's last character does not match: check for a typing mistake"))
	case errors.Is(err, codicefiscale.ErrLength):
		errs = append(errs, model.FieldError(field, "a codice fiscale has 16 characters"))
	case errors.Is(err, codicefiscale.ErrDate):
		errs = append(errs, model.FieldError(field, "the codice fiscale holds an impossible birth date"))
	case err != nil:
		errs = append(errs, model.FieldError(field, "the codice fiscale contains a character not allowed at that position"))
	case code.IsNumeric():
		errs = append(errs, model.FieldError(field, "enter a person's 16-character codice fiscale"))
	default:
		// Omocodic variants of one printed code count as the same person for the caps.
		p.CF = code.String()
	}
	return errs
}

// FormErrors checks a whole personal-data form, every person and the contact, and
// returns all field errors in form order (nil when all is well). It works on copies:
// the engine normalises again when it confirms.
func FormErrors(persons []Person, c Contact) []error {
	var errs []error
	seen := map[string]bool{}
	for i := range persons {
		p := persons[i]
		pe := PersonErrors(&p, i)
		errs = append(errs, pe...)
		if !hasField(pe, fmt.Sprintf("cf_%d", i)) {
			if k := CapKey(p.CF); seen[k] {
				errs = append(errs, model.FieldError(fmt.Sprintf("cf_%d", i), "the same codice fiscale appears twice in this booking"))
			} else {
				seen[k] = true
			}
		}
	}
	return append(errs, ContactErrors(&c)...)
}

func hasField(errs []error, field string) bool {
	for _, err := range errs {
		var me *model.Error
		if errors.As(err, &me) && me.Field == field {
			return true
		}
	}
	return false
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
