package booking

import (
	"errors"
	"reflect"
	"testing"

	"github.com/sportello/sportello/internal/model"
)

func fields(errs []error) []string {
	var out []string
	for _, err := range errs {
		var me *model.Error
		if !errors.As(err, &me) {
			out = append(out, "?"+err.Error())
			continue
		}
		out = append(out, me.Field)
	}
	return out
}

// TestFormErrorsMarksEveryField: a form with several mistakes gets one error per wrong
// field, not just the first, so the citizen fixes them in one go.
func TestFormErrorsMarksEveryField(t *testing.T) {
	good := Person{Name: "Mario", Surname: "Rossi", CF: "RSSMRA80A01F205X"}
	tests := []struct {
		name    string
		persons []Person
		c       Contact
		want    []string
	}{
		{"all fine", []Person{good}, Contact{Email: "a@b.it", Phone: "333 1234567"}, nil},
		{"cf, e-mail and phone", []Person{{Name: "Mario", Surname: "Rossi", CF: "RSSMRA80A01F205A"}}, Contact{Email: "nope", Phone: "12"},
			[]string{"cf_0", "email", "phone"}},
		{"every field of two people", []Person{{CF: "XX"}, {Name: "Anna", CF: "RSSMRA80A01F205A"}}, Contact{Email: "a@b.it", Phone: "333 1234567"},
			[]string{"name_0", "surname_0", "cf_0", "surname_1", "cf_1"}},
		{"same person twice", []Person{good, good}, Contact{Email: "a@b.it", Phone: "333 1234567"}, []string{"cf_1"}},
		{"citizen without e-mail", []Person{good}, Contact{Phone: "333 1234567"}, []string{"email"}},
		{"phone caller without e-mail", []Person{good}, Contact{Phone: "333 1234567", OnBehalf: true}, nil},
		{"phone caller without e-mail or phone", []Person{good}, Contact{OnBehalf: true}, []string{"phone"}},
		{"on behalf, a bad e-mail is still wrong", []Person{good}, Contact{Email: "x@", Phone: "333 1234567", OnBehalf: true}, []string{"email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fields(FormErrors(tt.persons, tt.c)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fields %v, want %v", got, tt.want)
			}
		})
	}
	// NormalizeContact and NormalizePerson keep returning the first error.
	c := Contact{Email: "nope", Phone: "12"}
	if err := NormalizeContact(&c); fields([]error{err})[0] != "email" {
		t.Errorf("first contact error %v", err)
	}
	c = Contact{Email: "  ", Phone: " 02 1234567 ", OnBehalf: true}
	if err := NormalizeContact(&c); err != nil || c.Email != "" || c.Phone != "02 1234567" {
		t.Errorf("on behalf without e-mail: %v %+v", err, c)
	}
}
