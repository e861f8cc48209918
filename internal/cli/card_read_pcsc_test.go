//go:build pcsc

package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/card/cardtest"
	"github.com/sportello/sportello/internal/card/pcsc"
	"github.com/sportello/sportello/internal/card/simcard"
	"github.com/sportello/sportello/internal/card/vpcd"
	"github.com/sportello/sportello/internal/testenv"
)

// TestCardCommandsThroughPCSCD runs `card read` and `card nis` end to end: the
// simulated CIE, signed by a test country, sits behind vpcd in the real pcscd
// and the commands read it with the scard client.
func TestCardCommandsThroughPCSCD(t *testing.T) {
	names, err := pcsc.Readers()
	found := false
	for _, n := range names {
		found = found || strings.HasPrefix(n, "Virtual PCD")
	}
	testenv.Require(t, err == nil && found, "pcscd running with the vsmartcard-vpcd reader (run .ci/pcsc-setup)")

	pki, err := cardtest.NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	trustDir := t.TempDir()
	for i, c := range pki.Anchors() {
		if err := os.WriteFile(filepath.Join(trustDir, "csca"+string(rune('0'+i))+".cer"), c.Raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p, err := simcard.Personalise(simcard.DemoHolder(), simcard.Signers{
		EMRTD: func(dgs map[int][]byte) ([]byte, error) { return pki.EMRTDSOD(dgs) },
		IAS:   func(n, k []byte) ([]byte, error) { return pki.IASSOD(n, k) },
	}, 2048, nil)
	if err != nil {
		t.Fatal(err)
	}
	card, err := simcard.New(p)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The second vpcd slot, so this test and package pcsc's can run in parallel.
	go func() { _ = vpcd.Serve(ctx, "127.0.0.1:35964", card) }()

	for _, args := range [][]string{
		{"card", "read", "--reader", "Virtual PCD 00 01", "--can", "123456", "--trust", trustDir, "--wait", "20s"},
		{"card", "nis", "--reader", "Virtual PCD 00 01", "--trust", trustDir, "--wait", "20s"},
	} {
		code, stdout, stderr := runCLI(t, args...)
		if code != ExitOK || !strings.Contains(stdout, "verdict: genuine") || !strings.Contains(stdout, "Virtual PCD") {
			t.Fatalf("%v: exit %d\n%s%s", args[:2], code, stdout, stderr)
		}
		t.Logf("%v:\n%s", args[:2], stdout)
	}
}
