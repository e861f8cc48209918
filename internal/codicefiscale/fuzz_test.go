package codicefiscale

import (
	"errors"
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"RSSMRA85T10A562S", "BNCLRA9LAQMFNLRS", "01234567897", "rssmra85t10a562s", "XXXYYY00B29F205K", ""} {
		f.Add(s)
	}
	ref := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		again, err := Parse(c.String())
		if err != nil || again != c {
			t.Fatalf("canonical form %q does not round-trip: %v", c, err)
		}
		base := c.Base()
		if _, err := Parse(base.String()); err != nil || base.IsOmocodic() {
			t.Fatalf("base %q of %q invalid: %v", base, c, err)
		}
		if !c.IsNumeric() {
			// Parse accepts day 30 of February (it knows no year), Birth must say why not.
			if _, _, err := c.Birth(ref); err != nil && !errors.Is(err, ErrDate) {
				t.Fatalf("Birth of %q: %v", c, err)
			}
		}
	})
}
