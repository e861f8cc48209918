package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/card/cardtest"
)

// The TD1 specimen of ICAO Doc 9303 part 5 (Utopia, Anna Maria Eriksson).
var td1 = []string{"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"}

func TestCardMRZ(t *testing.T) {
	badCheck := strings.Replace(td1[1], "7408122", "7408123", 1)
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		want  string
	}{
		{"valid TD1", td1, "", ExitOK, "ERIKSSON"},
		{"bad birth check digit", []string{td1[0], badCheck, td1[2]}, "", ExitFail, "birth"},
		{"malformed", []string{"I<UTO", "short", "lines"}, "", ExitUsage, ""},
		{"stdin, lower case, spaces and «", nil, strings.ReplaceAll(strings.ToLower(strings.Join(td1, "\n")), "<<<", "« «<") + "\n", ExitOK, "ERIKSSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Run(context.Background(), Stdio{In: strings.NewReader(tt.stdin), Out: &out, Err: &errb}, append([]string{"card", "mrz"}, tt.args...))
			if code != tt.code || !strings.Contains(out.String()+errb.String(), tt.want) {
				t.Fatalf("exit %d (want %d); output %q (want %q)", code, tt.code, out.String()+errb.String(), tt.want)
			}
		})
	}
	code, out, _ := runCLI(t, append([]string{"card", "mrz", "--json"}, td1...)...)
	var v map[string]any
	if code != ExitOK || json.Unmarshal([]byte(out), &v) != nil {
		t.Fatalf("--json: exit %d, %q", code, out)
	}
}

func TestCardVerify(t *testing.T) {
	pki, err := cardtest.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	trustDir := filepath.Join(dir, "trust")
	os.Mkdir(trustDir, 0o700)
	for i, c := range pki.Anchors() {
		os.WriteFile(filepath.Join(trustDir, "csca"+string(rune('0'+i))+".cer"), c.Raw, 0o600)
	}
	dg1 := []byte("\x61\x5b\x5f\x1f\x58" + strings.Join(td1, ""))
	dg11 := []byte("\x6b\x05\x5f\x0e\x02AB")
	sod, err := pki.EMRTDSOD(map[int][]byte{1: dg1, 11: dg11})
	if err != nil {
		t.Fatal(err)
	}
	expired, err := pki.EMRTDSOD(map[int][]byte{1: dg1}, cardtest.ExpiredSigner())
	if err != nil {
		t.Fatal(err)
	}
	sodPath, dg1Path, dg11Path := write("EF.SOD", sod), write("DG1.bin", dg1), write("DG11.bin", dg11)
	tampered := append([]byte{}, dg1...)
	tampered[10] ^= 1
	badDG1 := write("DG1-bad.bin", tampered)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"genuine", []string{"--trust", trustDir, "--sod", sodPath, "--dg", "1=" + dg1Path, "--dg", "11=" + dg11Path}, ExitOK, ""},
		{"flipped bit in DG1", []string{"--trust", trustDir, "--sod", sodPath, "--dg", "1=" + badDG1}, ExitFail, ""},
		{"expired signer", []string{"--trust", trustDir, "--sod", write("EF-expired.SOD", expired), "--dg", "1=" + dg1Path}, ExitFail, ""},
		{"untrusted country", []string{"--trust", foreignTrust(t), "--sod", sodPath}, ExitFail, ""},
		{"not a SOD", []string{"--trust", trustDir, "--sod", dg1Path}, ExitUsage, ""},
		{"missing --sod", []string{"--trust", trustDir}, ExitUsage, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, append([]string{"card", "verify"}, tt.args...)...)
			if code != tt.code || !strings.Contains(out+errs, tt.want) {
				t.Fatalf("exit %d (want %d); output %q", code, tt.code, out+errs)
			}
		})
	}
}
