package mrz

import (
	"errors"
	"strings"
	"testing"
)

// The ICAO 9303 part 5 and part 4 specimens, and a CIE-shaped zone.
var (
	icaoTD1 = []string{"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"}
	icaoTD3 = []string{"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"}
	cieTD1  = []string{"CIITACA00000AA4<<<<<<<<<<<<<<<", "8501019F3101012ITA<<<<<<<<<<<4", "ROSSI<<MARIA<GRAZIA<<<<<<<<<<<"}
)

func TestCheckDigit(t *testing.T) {
	tests := []struct {
		in   string
		want byte
	}{
		{"D23145890", '7'},
		{"740812", '2'},
		{"120415", '9'},
		{"L898902C3", '6'},
		{"ZE184226B<<<<<", '1'},
		{"<<<<", '0'},
	}
	for _, tt := range tests {
		got, err := CheckDigit(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("CheckDigit(%q) = %c, %v; want %c", tt.in, got, err, tt.want)
		}
	}
	if _, err := CheckDigit("ab"); err == nil {
		t.Error("lower case accepted")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		lines   []string
		format  Format
		number  string
		cie     bool
		surname string
		given   string
		valid   bool
		fails   string // comma-separated checks expected to fail
		seed    string
	}{
		{"icao td1", icaoTD1, TD1, "D23145890", false, "ERIKSSON", "ANNA MARIA", true, "", "D23145890774081221204159"},
		{"icao td3", icaoTD3, TD3, "L898902C3", false, "ERIKSSON", "ANNA MARIA", true, "", "L898902C3674081221204159"},
		{"cie", cieTD1, TD1, "CA00000AA", true, "ROSSI", "MARIA GRAZIA", true, "", "CA00000AA485010193101012"},
		{"cie typed loosely", []string{"ciitaca00000aa4«««««««««««««««", "850101 9 F 310101 2 ITA«««««««««««4", "rossi««maria«grazia«««««««««««"}, TD1, "CA00000AA", true, "ROSSI", "MARIA GRAZIA", true, "", "CA00000AA485010193101012"},
		{"one pasted run", []string{strings.Join(cieTD1, "")}, TD1, "CA00000AA", true, "ROSSI", "MARIA GRAZIA", true, "", "CA00000AA485010193101012"},
		{"lines on stdin", []string{strings.Join(cieTD1, "\n") + "\n"}, TD1, "CA00000AA", true, "ROSSI", "MARIA GRAZIA", true, "", "CA00000AA485010193101012"},
		{"doc number typo", []string{"CIITACA00001AA4<<<<<<<<<<<<<<<", cieTD1[1], cieTD1[2]}, TD1, "CA00001AA", true, "ROSSI", "MARIA GRAZIA", false, "document_number,composite", "CA00001AA485010193101012"},
		{"birth typo", []string{cieTD1[0], "8501029F3101012ITA<<<<<<<<<<<4", cieTD1[2]}, TD1, "CA00000AA", true, "ROSSI", "MARIA GRAZIA", false, "birth_date,composite", "CA00000AA485010293101012"},
		{"composite only", []string{cieTD1[0], "8501019F3101012ITA<<<<<<<<<<<5", cieTD1[2]}, TD1, "CA00000AA", true, "ROSSI", "MARIA GRAZIA", false, "composite", "CA00000AA485010193101012"},
		{"sex is outside the composite", []string{cieTD1[0], "8501019M3101012ITA<<<<<<<<<<<4", cieTD1[2]}, TD1, "CA00000AA", true, "ROSSI", "MARIA GRAZIA", true, "", "CA00000AA485010193101012"},
		{"month 13", []string{cieTD1[0], "8513014F3101012ITA<<<<<<<<<<<2", cieTD1[2]}, TD1, "CA00000AA", true, "ROSSI", "MARIA GRAZIA", false, "birth_date_value", "CA00000AA485130143101012"},
		{"long doc number", []string{"I<UTOD23145890<AB11<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<8", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"}, TD1, "D23145890AB1", false, "ERIKSSON", "ANNA MARIA", true, "", "D23145890AB1174081221204159"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.lines)
			if err != nil {
				t.Fatal(err)
			}
			if m.Format != tt.format || m.DocumentNumber != tt.number || m.CIENumber != tt.cie || m.Surname != tt.surname || m.GivenNames != tt.given {
				t.Errorf("got %s %q cie=%v %q/%q", m.Format, m.DocumentNumber, m.CIENumber, m.Surname, m.GivenNames)
			}
			if m.Valid() != tt.valid {
				t.Errorf("Valid() = %v, checks %+v", m.Valid(), m.Checks)
			}
			for _, c := range m.Checks {
				if wantFail := strings.Contains(","+tt.fails+",", ","+c.Field+","); c.OK == wantFail {
					t.Errorf("check %s ok=%v, want failures %q", c.Field, c.OK, tt.fails)
				}
			}
			if got := m.BACSeed(); got != tt.seed {
				t.Errorf("BACSeed() = %q, want %q", got, tt.seed)
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	m, err := Parse(icaoTD3)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{m.DocumentCode, m.IssuingState, m.Nationality, m.BirthDate, m.Sex, m.ExpiryDate, m.Optional1}
	want := []string{"P", "UTO", "UTO", "740812", "F", "120415", "ZE184226B"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("field %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
	}{
		{"empty", nil},
		{"two td1 lines", cieTD1[:2]},
		{"short line", []string{cieTD1[0], cieTD1[1][:29], cieTD1[2]}},
		{"bad character", []string{cieTD1[0], strings.Replace(cieTD1[1], "F", "?", 1), cieTD1[2]}},
		{"td3 with td1 line", []string{icaoTD3[0], cieTD1[1]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(tt.lines); !errors.Is(err, ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(strings.Join(cieTD1, "\n"))
	f.Add(strings.Join(icaoTD3, "\n"))
	f.Add(strings.Join(icaoTD1, ""))
	f.Add("I<UTOD23145890<AB12<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<8ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Parse([]string{s})
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if len(m.BACSeed()) < 24 {
			t.Fatalf("BAC seed %q too short", m.BACSeed())
		}
		again, err := Parse(m.Lines)
		if err != nil || again.Valid() != m.Valid() {
			t.Fatalf("re-parse of normalised lines differs: %v", err)
		}
	})
}

func TestKeySeed(t *testing.T) {
	tests := []struct {
		doc, birth, expiry string
		want               string
		ok                 bool
	}{
		{"CA00000AA", "850101", "310101", "CA00000AA485010193101012", true},
		{"ca00000aa", "850101", "310101", "CA00000AA485010193101012", true},
		{"L898902C", "690806", "940623", "L898902C<369080619406236", true}, // ICAO 9303 part 11 worked example
		{"", "850101", "310101", "", false},
		{"CA00000AA", "851301", "310101", "", false},
		{"CA00000AA", "850101", "3101", "", false},
		{"CA-0000AA", "850101", "310101", "", false},
	}
	for _, tt := range tests {
		got, err := KeySeed(tt.doc, tt.birth, tt.expiry)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("KeySeed(%q, %q, %q) = %q, %v", tt.doc, tt.birth, tt.expiry, got, err)
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Errorf("error %v does not wrap ErrMalformed", err)
		}
	}
	// The seed from a whole zone and from its three values agree.
	m, err := Parse(cieTD1)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := KeySeed(m.DocumentNumber, m.BirthDate, m.ExpiryDate); s != m.BACSeed() {
		t.Errorf("KeySeed %q != BACSeed %q", s, m.BACSeed())
	}
}
