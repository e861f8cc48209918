package cli

import (
	"bytes"
	"context"
	"crypto/rsa"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/card/cardtest"
	"github.com/sportello/sportello/internal/card/simcard"
	"github.com/sportello/sportello/internal/card/trust"
	"github.com/sportello/sportello/internal/model"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), Stdio{In: strings.NewReader(""), Out: &out, Err: &errb}, args)
	return code, out.String(), errb.String()
}

// foreignTrust writes the anchors of another test country: the simulated card
// must not verify against them.
func foreignTrust(t *testing.T) string {
	t.Helper()
	pki, err := cardtest.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i, c := range pki.Anchors() {
		if err := os.WriteFile(filepath.Join(dir, "csca"+string(rune('0'+i))+".cer"), c.Raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCardReadSim(t *testing.T) {
	out := t.TempDir()
	foreign := foreignTrust(t)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"PACE with CAN", []string{"--reader", "sim", "--can", "123456", "--out", out}, ExitOK, "verdict: genuine"},
		{"PACE with MRZ key", []string{"--reader", "sim", "--mrz-key", "CA00000AA,850101,320101"}, ExitOK, "PACE PACE-DH-GM-3DES"},
		{"wrong CAN", []string{"--reader", "sim", "--can", "654321"}, ExitFail, "wrong CAN"},
		{"untrusted country", []string{"--reader", "sim", "--can", "123456", "--trust", foreign}, ExitFail, "verdict: REJECTED (chain"},
		{"no access key", []string{"--reader", "sim"}, ExitUsage, "exactly one of"},
		{"both keys", []string{"--reader", "sim", "--can", "123456", "--mrz-key", "CA00000AA,850101,320101"}, ExitUsage, "exactly one of"},
		{"bad CAN", []string{"--reader", "sim", "--can", "12345"}, ExitUsage, "6 digits"},
		{"bad MRZ key", []string{"--reader", "sim", "--mrz-key", "CA00000AA,8501"}, ExitUsage, "--mrz-key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"card", "read"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, stdout, stderr)
			}
			if !strings.Contains(stdout+stderr, tt.want) {
				t.Fatalf("output lacks %q:\n%s%s", tt.want, stdout, stderr)
			}
		})
	}
	for _, f := range []string{"DG1.bin", "DG2.bin", "DG11.bin", "DG12.bin", "EF.SOD.bin", "EF.COM.bin", "face.png"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	// The written files verify with `card verify`, given the same anchors the
	// simulated card was signed by; with another country's anchors they do not.
	code, stdout, _ := runCLI(t, "card", "verify", "--trust", foreign, "--sod", filepath.Join(out, "EF.SOD.bin"), "--dg", "1="+filepath.Join(out, "DG1.bin"))
	if code != ExitFail || !strings.Contains(stdout, "REJECTED") {
		t.Fatalf("verify against foreign anchors: exit %d\n%s", code, stdout)
	}
}

func TestCardNISSim(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"genuine", []string{"--reader", "sim"}, ExitOK, "verdict: genuine"},
		{"json", []string{"--reader", "sim", "--json"}, ExitOK, `"kpub_sha256"`},
		{"untrusted country", []string{"--reader", "sim", "--trust", foreignTrust(t)}, ExitFail, "REJECTED"},
		{"argument", []string{"--reader", "sim", "extra"}, ExitUsage, "no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"card", "nis"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stdout+stderr, tt.want) {
				t.Fatalf("exit %d (want %d), output lacks %q?\n%s%s", code, tt.code, tt.want, stdout, stderr)
			}
		})
	}
}

// A clone carries a genuine NIS, Kpub and SOD but cannot sign with the key.
func TestCardNISClonedCard(t *testing.T) {
	pki, err := cardtest.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	signers := simcard.Signers{
		EMRTD: func(dgs map[int][]byte) ([]byte, error) { return pki.EMRTDSOD(dgs) },
		IAS:   func(n, k []byte) ([]byte, error) { return pki.IASSOD(n, k) },
	}
	genuine, err := simcard.Personalise(simcard.DemoHolder(), signers, 1024, nil)
	if err != nil {
		t.Fatal(err)
	}
	other, err := simcard.Personalise(simcard.DemoHolder(), signers, 1024, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		key  *rsa.PrivateKey
		code int
		want string
	}{
		{"genuine", genuine.Key, ExitOK, "verdict: genuine"},
		{"clone", other.Key, ExitFail, "REJECTED (internalAuthentication"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := genuine
			p.Key = tt.key
			card, err := simcard.New(p)
			if err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			conn := &cardConn{t: card, close: func() error { return nil }, name: "clone test"}
			code := checkNIS(Stdio{Out: &out, Err: &errb}, conn, trust.NewStore(pki.Anchors()...), "test", false)
			if code != tt.code || !strings.Contains(out.String(), tt.want) {
				t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
			}
		})
	}
}

func TestCardEnrolSim(t *testing.T) {
	a := apptest.New(t) // the server that owns the database and its key
	serverKey := strings.Repeat("ab", 32)
	enrol := func(key string, extra ...string) (int, string, string) {
		args := []string{"card", "enrol", "--reader", "sim", "--data", a.Config.DataDir, "--secret-key", key}
		if a.Config.DB != "" {
			args = append(args, "--db", a.Config.DB)
		}
		return runCLI(t, append(args, extra...)...)
	}
	code, out, errs := enrol(serverKey, "--holder", "Maria Rossi", "--group", "biblioteca")
	if code != ExitOK || !strings.Contains(out, ": Maria Rossi (biblioteca), NIS …") {
		t.Fatalf("enrol: exit %d, %q %q", code, out, errs)
	}
	if strings.Contains(out, simcard.DemoHolder().NIS) {
		t.Error("the full NIS was printed")
	}
	// The simulated card is personalised afresh (new key) on every run, yet it keeps
	// the demo NIS: the second enrolment is refused as a duplicate.
	if code, _, errs := enrol(serverKey, "--holder", "Maria Rossi", "--group", "biblioteca"); code != ExitFail || !strings.Contains(errs, "already enrolled") {
		t.Fatalf("second enrol: exit %d, %q", code, errs)
	}
	if code, _, errs := enrol(serverKey, "--group", "biblioteca"); code != ExitUsage || !strings.Contains(errs, "holder") {
		t.Fatalf("no holder: exit %d, %q", code, errs)
	}
	// Another key would store a badge the server can never match: refused.
	if code, _, errs := enrol(strings.Repeat("cd", 32), "--holder", "Luca Bianchi", "--group", "biblioteca"); code != ExitUsage || !strings.Contains(errs, "not the one this database was used with") {
		t.Fatalf("wrong key: exit %d, %q", code, errs)
	}
	badges, err := a.Store.ListBadges(t.Context())
	if err != nil || len(badges) != 1 {
		t.Fatalf("badges %d %v", len(badges), err)
	}
}

// TestCardAccessUntrustedCard runs the access-point client against a real server: the
// simulated card's test country is not in the server's (Italian) trust store, so the
// answer must be a denial, never a grant.
func TestCardAccessUntrustedCard(t *testing.T) {
	a := apptest.New(t)
	if err := a.Store.CreateBadgePoint(t.Context(), &model.BadgePoint{Code: "biblioteca", Name: "Biblioteca", Groups: []string{"biblioteca"}}); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "card", "access", "--reader", "sim", "--server", a.URL, "--point", "biblioteca")
	if code != ExitFail || !strings.Contains(out, "DENIED: not_genuine") {
		t.Fatalf("exit %d, %q %q", code, out, errs)
	}
	if code, _, errs := runCLI(t, "card", "access", "--reader", "sim", "--server", a.URL, "--point", "nowhere"); code != ExitFail || !strings.Contains(errs, "404") {
		t.Fatalf("unknown point: exit %d, %q", code, errs)
	}
}
