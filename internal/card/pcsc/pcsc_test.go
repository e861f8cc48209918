//go:build pcsc

package pcsc

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/card/emrtd"
	"github.com/sportello/sportello/internal/card/ias"
	"github.com/sportello/sportello/internal/card/iso7816"
	"github.com/sportello/sportello/internal/card/simcard"
	"github.com/sportello/sportello/internal/card/vpcd"
	"github.com/sportello/sportello/internal/testenv"
)

// vpcdReader is the reader name vsmartcard-vpcd registers in pcscd.
const vpcdReader = "Virtual PCD"

func haveVPCD() bool {
	names, err := Readers()
	if err != nil {
		return false
	}
	for _, n := range names {
		if strings.HasPrefix(n, vpcdReader) {
			return true
		}
	}
	return false
}

// TestSimulatedCardThroughPCSCD is layer 3: the simulated CIE connects to
// vpcd, pcscd exposes it as a reader, and the scard client reads it with PACE
// (the CIE's DH 2048 / 3DES variant), then reads the NIS and checks the
// internal authentication signature.
func TestSimulatedCardThroughPCSCD(t *testing.T) {
	testenv.Require(t, haveVPCD(), "pcscd running with the vsmartcard-vpcd reader (run .ci/pcsc-setup)")
	signers := simcard.Signers{
		EMRTD: func(map[int][]byte) ([]byte, error) { return iso7816.Encode(0x77, []byte("eMRTD SOD")), nil },
		IAS:   func(nis, kpub []byte) ([]byte, error) { return iso7816.Encode(0x30, []byte("IAS SOD")), nil },
	}
	holder := simcard.DemoHolder()
	profile, err := simcard.Personalise(holder, signers, 2048, nil)
	if err != nil {
		t.Fatal(err)
	}
	card, err := simcard.New(profile)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- vpcd.Serve(ctx, vpcd.DefaultAddr, card) }()

	openCtx, openCancel := context.WithTimeout(ctx, 20*time.Second)
	defer openCancel()
	r, err := Open(openCtx, vpcdReader+" 00 00") // the slot vpcd serves on DefaultAddr
	if err != nil {
		select {
		case serr := <-served:
			t.Fatalf("open: %v (card side: %v)", err, serr)
		default:
			t.Fatalf("open: %v", err)
		}
	}
	defer r.Close()

	start := time.Now()
	doc, err := emrtd.Read(r, emrtd.Access{CAN: holder.CAN}, rand.Reader)
	readTime := time.Since(start)
	if err != nil {
		t.Fatalf("eMRTD read through %s: %v", r.Name(), err)
	}
	mrz := holder.MRZ()
	if doc.Method != "PACE" || doc.MRZ != mrz[0]+mrz[1]+mrz[2] {
		t.Fatalf("method %s, MRZ %q", doc.Method, doc.MRZ)
	}

	start = time.Now()
	badge, err := ias.Read(r, rand.Reader)
	nisTime := time.Since(start)
	if err != nil {
		t.Fatalf("NIS read: %v", err)
	}
	if badge.NIS != holder.NIS {
		t.Fatalf("NIS %q", badge.NIS)
	}
	if err := rsa.VerifyPKCS1v15(&profile.Key.PublicKey, 0, badge.Challenge, badge.Signature); err != nil {
		t.Fatalf("internal authentication: %v", err)
	}
	t.Logf("through pcscd: eMRTD read (PACE DH 2048 + %d data groups) %s, NIS read with internal authentication %s",
		len(doc.Raw), readTime.Round(time.Millisecond), nisTime.Round(time.Millisecond))
}
