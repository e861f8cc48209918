package mrz

import "strings"

// KeySeed builds the BAC key seed from the three values a clerk types from the card
// (document number, birth date YYMMDD, expiry date YYMMDD), adding the check digits,
// for readers that take --mrz-key instead of a whole zone.
func KeySeed(docNumber, birth, expiry string) (string, error) {
	docNumber = strings.ToUpper(strings.TrimSpace(docNumber))
	if docNumber == "" || len(docNumber) > 22 {
		return "", malformed("document number %q", docNumber)
	}
	if len(docNumber) < 9 {
		docNumber += strings.Repeat("<", 9-len(docNumber))
	}
	var b strings.Builder
	for _, f := range []struct{ name, v string }{{"document number", docNumber}, {"birth date", birth}, {"expiry date", expiry}} {
		if f.name != "document number" && !validDate(f.v) {
			return "", malformed("%s %q is not YYMMDD", f.name, f.v)
		}
		d, err := CheckDigit(f.v)
		if err != nil {
			return "", malformed("%s: %v", f.name, err)
		}
		b.WriteString(f.v)
		b.WriteByte(d)
	}
	return b.String(), nil
}
