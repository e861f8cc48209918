package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCampaignImport runs the command on a SQLite data dir: a good file, the same file
// again (nothing changes), a bad one (nothing imported, every bad line printed).
func TestCampaignImport(t *testing.T) {
	dir := t.TempDir()
	head := "codice_fiscale,family_name,given_names,sex,birth_date,household_id,address,postcode,lat,lon,card_type,card_number,card_expiry,email,phone,due_date\n"
	good := head + "RSSMRA85T10A562S,Rossi,Mario,M,1985-12-10,H1,Via Larga 12,20122,45.46,9.19,paper,AX1234567,2027-03-01,,,\n"
	bad := good + "RSSMRA85T10A562T,Rossi,Maria,F,1985-12-10,H1,Via Larga 12,20122,45.46,9.19,paper,AX1,2027-03-01,,,\n" +
		"BNCLRA90A41F205X,Bianchi,Laura,F,1990-01-01,H2,Via Po 1,2010,45.4,9.1,cie,,,,,\n"
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, file string
		code       int
		out, err   string
	}{
		{"first import", write("good.csv", good), ExitOK, "1 added, 0 updated, 0 unchanged", ""},
		{"same file again", write("good.csv", good), ExitOK, "0 added, 0 updated, 1 unchanged", ""},
		{"bad rows", write("bad.csv", bad), ExitFail, "", "bad.csv:3: codice_fiscale"},
		{"missing file", filepath.Join(dir, "nope.csv"), ExitUsage, "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Run(context.Background(), Stdio{In: strings.NewReader(""), Out: &out, Err: &errb},
				[]string{"campaign", "import", "--citizens", tt.file, "--data", filepath.Join(dir, "data")})
			if code != tt.code || !strings.Contains(out.String(), tt.out) || !strings.Contains(errb.String(), tt.err) {
				t.Fatalf("code %d out %q err %q", code, out.String(), errb.String())
			}
			if tt.name == "bad rows" && (!strings.Contains(errb.String(), "bad.csv:4: ") || !strings.Contains(errb.String(), "postcode \"2010\"")) {
				t.Fatalf("second bad line missing: %q", errb.String())
			}
		})
	}
}
