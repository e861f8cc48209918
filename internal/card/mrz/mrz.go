// Package mrz parses the machine readable zone printed on the CIE (TD1, 3×30) and on
// passports (TD3, 2×44), checks every check digit including the composite one, and
// derives the BAC key seed the chip reader needs. It is hand-written: the registries we
// can reach offer no maintained Go MRZ library (gmrtd is refused by the proxy).
package mrz

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Format names the MRZ layout, because field positions and the composite differ.
type Format string

// The two layouts Sportello meets: identity cards and passports.
const (
	TD1 Format = "TD1"
	TD3 Format = "TD3"
)

// ErrMalformed is wrapped by every Parse error, so callers can tell unreadable input
// (exit code 2) from a zone whose check digits fail (exit code 1).
var ErrMalformed = errors.New("mrz: malformed")

// Check is one check digit: what the zone says and what the data gives, so a clerk can
// see which field was mistyped.
type Check struct {
	Field    string `json:"field"`
	Printed  string `json:"printed"`
	Computed string `json:"computed"`
	OK       bool   `json:"ok"`
}

// MRZ is a parsed zone. Dates stay as printed (YYMMDD) because the century is ambiguous
// and the BAC seed needs them verbatim.
type MRZ struct {
	Format         Format   `json:"format"`
	Lines          []string `json:"lines"`
	DocumentCode   string   `json:"document_code"`
	IssuingState   string   `json:"issuing_state"`
	DocumentNumber string   `json:"document_number"`
	// CIENumber reports whether the number has the CIE shape (2 letters, 5 digits, 2 letters).
	CIENumber    bool    `json:"cie_number_format"`
	BirthDate    string  `json:"birth_date"`
	Sex          string  `json:"sex"`
	ExpiryDate   string  `json:"expiry_date"`
	Nationality  string  `json:"nationality"`
	Optional1    string  `json:"optional_data_1,omitempty"`
	Optional2    string  `json:"optional_data_2,omitempty"`
	Surname      string  `json:"surname"`
	GivenNames   string  `json:"given_names"`
	Checks       []Check `json:"checks"`
	docNumberRaw string
	docCheck     byte
	birthCheck   byte
	expiryCheck  byte
}

var cieNumber = regexp.MustCompile(`^[A-Z]{2}[0-9]{5}[A-Z]{2}$`)

// Valid reports whether every check digit and date in the zone is right.
func (m *MRZ) Valid() bool {
	for _, c := range m.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// BACSeed returns the MRZ information that keys Basic Access Control: the document
// number (padded as printed) and its check digit, birth date and its check digit,
// expiry date and its check digit.
func (m *MRZ) BACSeed() string {
	return m.docNumberRaw + string(m.docCheck) + m.BirthDate + string(m.birthCheck) + m.ExpiryDate + string(m.expiryCheck)
}

// Normalize turns what a clerk typed or an OCR produced into MRZ lines: spaces dropped,
// letters upper-cased, « read as <. It does not judge lengths; Parse does.
func Normalize(lines []string) []string {
	var out []string
	for _, l := range lines {
		for _, part := range strings.Split(strings.ReplaceAll(l, "\r", "\n"), "\n") {
			part = strings.ToUpper(strings.ReplaceAll(part, "«", "<"))
			part = strings.Map(func(r rune) rune {
				if r == ' ' || r == '\t' {
					return -1
				}
				return r
			}, part)
			if part != "" {
				out = append(out, part)
			}
		}
	}
	// A zone pasted as one run of text (OCR output) is split by its known total lengths.
	if len(out) == 1 {
		switch len(out[0]) {
		case 90:
			out = []string{out[0][:30], out[0][30:60], out[0][60:]}
		case 88:
			out = []string{out[0][:44], out[0][44:]}
		}
	}
	return out
}

// Parse reads a TD1 or TD3 zone from its lines (normalised first). A wrong check digit
// is not an error: it is reported in Checks. Errors wrap ErrMalformed.
func Parse(lines []string) (*MRZ, error) {
	ls := Normalize(lines)
	for n, l := range ls {
		for i := 0; i < len(l); i++ {
			if _, err := charValue(l[i]); err != nil {
				return nil, malformed("line %d position %d: %q is not an MRZ character", n+1, i+1, l[i])
			}
		}
	}
	switch {
	case len(ls) == 3 && len(ls[0]) == 30 && len(ls[1]) == 30 && len(ls[2]) == 30:
		return parseTD1(ls), nil
	case len(ls) == 2 && len(ls[0]) == 44 && len(ls[1]) == 44:
		return parseTD3(ls), nil
	}
	shape := make([]int, len(ls))
	for i, l := range ls {
		shape[i] = len(l)
	}
	return nil, malformed("line lengths %v, want 3 lines of 30 (TD1) or 2 lines of 44 (TD3)", shape)
}

func parseTD1(ls []string) *MRZ {
	l1, l2, l3 := ls[0], ls[1], ls[2]
	m := &MRZ{
		Format:       TD1,
		Lines:        ls,
		DocumentCode: trimFill(l1[0:2]),
		IssuingState: trimFill(l1[2:5]),
		BirthDate:    l2[0:6],
		Sex:          trimFill(l2[7:8]),
		ExpiryDate:   l2[8:14],
		Nationality:  trimFill(l2[15:18]),
		Optional2:    trimFill(l2[18:29]),
	}
	m.docNumberRaw, m.docCheck, m.Optional1 = l1[5:14], l1[14], trimFill(l1[15:30])
	// ICAO 9303 part 5: a number longer than 9 characters goes on into the optional data,
	// its check digit after it, and position 15 holds '<'.
	if m.docCheck == '<' && m.Optional1 != "" {
		rest := m.Optional1
		if end := strings.IndexByte(rest, '<'); end >= 0 {
			rest = rest[:end]
		}
		if len(rest) >= 2 {
			m.docNumberRaw += rest[:len(rest)-1]
			m.docCheck = rest[len(rest)-1]
			m.Optional1 = ""
		}
	}
	m.birthCheck, m.expiryCheck = l2[6], l2[14]
	m.fillNumber()
	m.Surname, m.GivenNames = names(l3)
	m.check("document_number", m.docNumberRaw, m.docCheck)
	m.check("birth_date", m.BirthDate, m.birthCheck)
	m.check("expiry_date", m.ExpiryDate, m.expiryCheck)
	m.check("composite", l1[5:30]+l2[0:7]+l2[8:15]+l2[18:29], l2[29])
	m.dates()
	return m
}

func parseTD3(ls []string) *MRZ {
	l1, l2 := ls[0], ls[1]
	m := &MRZ{
		Format:       TD3,
		Lines:        ls,
		DocumentCode: trimFill(l1[0:2]),
		IssuingState: trimFill(l1[2:5]),
		Nationality:  trimFill(l2[10:13]),
		BirthDate:    l2[13:19],
		Sex:          trimFill(l2[20:21]),
		ExpiryDate:   l2[21:27],
		Optional1:    trimFill(l2[28:42]),
	}
	m.docNumberRaw, m.docCheck = l2[0:9], l2[9]
	m.birthCheck, m.expiryCheck = l2[19], l2[27]
	m.fillNumber()
	m.Surname, m.GivenNames = names(l1[5:44])
	m.check("document_number", m.docNumberRaw, m.docCheck)
	m.check("birth_date", m.BirthDate, m.birthCheck)
	m.check("expiry_date", m.ExpiryDate, m.expiryCheck)
	// An empty personal number may carry '<' instead of its check digit (9303 part 4).
	personal := l2[42]
	if personal == '<' && m.Optional1 == "" {
		personal = '0'
	}
	m.check("personal_number", l2[28:42], personal)
	m.check("composite", l2[0:10]+l2[13:20]+l2[21:43], l2[43])
	m.dates()
	return m
}

func (m *MRZ) fillNumber() {
	m.DocumentNumber = trimFill(m.docNumberRaw)
	m.CIENumber = cieNumber.MatchString(m.DocumentNumber)
}

func (m *MRZ) check(field, data string, printed byte) {
	computed, _ := CheckDigit(data) // characters were validated by Parse
	m.Checks = append(m.Checks, Check{Field: field, Printed: string(printed), Computed: string(computed), OK: printed == computed})
}

// dates adds a check per date: a zone whose digits verify but whose month is 13 is
// still wrong, and BAC would fail on it.
func (m *MRZ) dates() {
	for _, d := range []struct{ field, v string }{{"birth_date_value", m.BirthDate}, {"expiry_date_value", m.ExpiryDate}} {
		m.Checks = append(m.Checks, Check{Field: d.field, Printed: d.v, Computed: "YYMMDD", OK: validDate(d.v)})
	}
}

func validDate(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < 6; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	mm := int(s[2]-'0')*10 + int(s[3]-'0')
	dd := int(s[4]-'0')*10 + int(s[5]-'0')
	return mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31
}

func names(s string) (surname, given string) {
	parts := strings.SplitN(s, "<<", 2)
	surname = strings.Join(strings.Fields(strings.ReplaceAll(parts[0], "<", " ")), " ")
	if len(parts) == 2 {
		given = strings.Join(strings.Fields(strings.ReplaceAll(parts[1], "<", " ")), " ")
	}
	return surname, given
}

// malformed makes an error wrapping ErrMalformed on one line, as the CLI prints it.
func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, a...)...)
}

func trimFill(s string) string { return strings.Trim(s, "<") }
