package register

import (
	"errors"
	"testing"
)

// FuzzParse: any bytes give either citizens or an *Errors listing lines, never a panic,
// and every citizen returned passes the checks again.
func FuzzParse(f *testing.F) {
	f.Add([]byte(header + good))
	f.Add([]byte(header + good + good))
	f.Add([]byte("\xef\xbb\xbf" + header + "\"unterminated,\n"))
	f.Add([]byte("codice_fiscale;family_name\n\xe0\xe8;x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := Parse(data, Options{Ref: ref, Policy: DefaultPolicy()})
		if err != nil {
			var re *Errors
			if !errors.As(err, &re) || len(re.Rows) == 0 {
				t.Fatalf("error %v is not a row list", err)
			}
			if cs != nil {
				t.Fatal("citizens returned with an error")
			}
			return
		}
		if len(cs) == 0 {
			t.Fatal("no citizens and no error")
		}
		seen := map[string]bool{}
		for _, c := range cs {
			if c.CF == "" || seen[c.CF] || c.Household == "" || c.Line < 2 {
				t.Fatalf("bad citizen %+v", c)
			}
			seen[c.CF] = true
		}
	})
}
