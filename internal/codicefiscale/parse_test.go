package codicefiscale

import (
	"errors"
	"testing"
	"time"
)

// The check characters below were computed with an independent Python script from
// the published tables (DM 23/12/1976), not with this package.
func TestParseValid(t *testing.T) {
	ref := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in       string
		want     string
		base     string
		omocodic bool
		birth    string // empty for numeric codes
		sex      Sex
	}{
		{"RSSMRA85T10A562S", "RSSMRA85T10A562S", "RSSMRA85T10A562S", false, "1985-12-10", Male},
		{" rssmra85t10a562s ", "RSSMRA85T10A562S", "RSSMRA85T10A562S", false, "1985-12-10", Male},
		{"RSSM RA85 T10A 562S", "RSSMRA85T10A562S", "RSSMRA85T10A562S", false, "1985-12-10", Male},
		{"VRDGPP13R10B293P", "VRDGPP13R10B293P", "VRDGPP13R10B293P", false, "2013-10-10", Male},
		{"BNCLRA90A41F205I", "BNCLRA90A41F205I", "BNCLRA90A41F205I", false, "1990-01-01", Female},
		{"BNCLRA90A41F2LRO", "BNCLRA90A41F2LRO", "BNCLRA90A41F205I", true, "1990-01-01", Female},
		{"BNCLRA9LAQMFNLRS", "BNCLRA9LAQMFNLRS", "BNCLRA90A41F205I", true, "1990-01-01", Female},
		{"RSSMRA85T10A56NH", "RSSMRA85T10A56NH", "RSSMRA85T10A562S", true, "1985-12-10", Male},
		{"PLLGNN60D45H501M", "PLLGNN60D45H501M", "PLLGNN60D45H501M", false, "1960-04-05", Female},
		{"XXXYYY00B29F205K", "XXXYYY00B29F205K", "XXXYYY00B29F205K", false, "2000-02-29", Male},
		{"01234567897", "01234567897", "01234567897", false, "", 0},
		{"80001234568", "80001234568", "80001234568", false, "", 0},
		{"98765432103", "98765432103", "98765432103", false, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if c.String() != tt.want || c.Base().String() != tt.base || c.IsOmocodic() != tt.omocodic {
				t.Fatalf("got %s base %s omocodic %v", c, c.Base(), c.IsOmocodic())
			}
			if !Valid(c.Base().String()) {
				t.Fatalf("base %s does not validate", c.Base())
			}
			d, sex, err := c.Birth(ref)
			if tt.birth == "" {
				if err == nil || !c.IsNumeric() {
					t.Fatalf("numeric code: want a Birth error, got %v", err)
				}
				return
			}
			if err != nil || d.Format("2006-01-02") != tt.birth || sex != tt.sex {
				t.Fatalf("Birth = %s %c %v, want %s %c", d.Format("2006-01-02"), sex, err, tt.birth, tt.sex)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		in   string
		kind error
		pos  int
	}{
		{"", ErrLength, 0},
		{"RSSMRA85T10A562", ErrLength, 0},
		{"RSSMRA85T10A562SX", ErrLength, 0},
		{"RSSMRA85T10A562T", ErrCheck, 16},
		{"RSSMRA85T10A562Z", ErrCheck, 16},
		{"R5SMRA85T10A562S", ErrCharacter, 2},
		{"RSSMRA8XT10A562S", ErrCharacter, 8},
		{"RSSMRA85T10A5L2S", ErrCharacter, 14}, // omocodia letter with a digit to its right
		{"RSSMRA85F10A562S", ErrCharacter, 9},  // F is no month letter
		{"RSSMRA85T10A56-S", ErrCharacter, 15},
		{"RSSMRA85T10156 2S", ErrCharacter, 12},
		{"RSSMRA85T00A562" + string(checkChar("RSSMRA85T00A562")), ErrDate, 10},
		{"RSSMRA85T75A562" + string(checkChar("RSSMRA85T75A562")), ErrDate, 10},
		{"01234567890", ErrCheck, 11},
		{"0123456789A", ErrCharacter, 11},
		{"012345678", ErrLength, 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, tt.kind) || e.Pos != tt.pos {
				t.Fatalf("Parse(%q) = %v, want %v at position %d", tt.in, err, tt.kind, tt.pos)
			}
		})
	}
}

func TestCheckMessageNamesExpected(t *testing.T) {
	_, err := Parse("RSSMRA85T10A562T")
	if err == nil || err.Error() != `codice fiscale: wrong check character at position 16: 'T', expected 'S'` {
		t.Fatalf("got %v", err)
	}
}

func TestBirthCenturyAndImpossibleDates(t *testing.T) {
	tests := []struct {
		code string
		ref  string
		want string // empty: ErrDate
	}{
		{"XXXYYY00B29F205K", "2026-01-01", "2000-02-29"},
		{"XXXYYY00B29F205K", "1999-12-31", ""}, // 1900 was no leap year
		{"XXXYYY01B29F205L", "2026-01-01", ""},
		{"RSSMRA85T10A562S", "2085-12-10", "2085-12-10"},
		{"RSSMRA85T10A562S", "2085-12-09", "1985-12-10"},
	}
	for _, tt := range tests {
		t.Run(tt.code+"@"+tt.ref, func(t *testing.T) {
			c, err := Parse(tt.code)
			if err != nil {
				t.Fatal(err)
			}
			ref, _ := time.Parse("2006-01-02", tt.ref)
			d, _, err := c.Birth(ref)
			if tt.want == "" {
				if !errors.Is(err, ErrDate) {
					t.Fatalf("want ErrDate, got %v %v", d, err)
				}
				return
			}
			if err != nil || d.Format("2006-01-02") != tt.want {
				t.Fatalf("got %v %v, want %s", d, err, tt.want)
			}
		})
	}
}

// Every omocodic variant of a valid base code validates and maps back to the base.
func TestOmocodiaVariants(t *testing.T) {
	for _, base := range []string{"RSSMRA85T10A562S", "BNCLRA90A41F205I", "PLLGNN60D45H501M"} {
		b := []byte(base)
		for k := 1; k <= len(digitPositions); k++ {
			p := digitPositions[k-1]
			b[p] = omocodia[b[p]-'0']
			b[15] = checkChar(string(b))
			c, err := Parse(string(b))
			if err != nil {
				t.Fatalf("%s: %v", b, err)
			}
			if c.Base().String() != base || !c.IsOmocodic() {
				t.Fatalf("%s: base %s, want %s", b, c.Base(), base)
			}
		}
	}
}
