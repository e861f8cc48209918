package sod_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/card/cardtest"
	"github.com/sportello/sportello/internal/card/sod"
	"github.com/sportello/sportello/internal/card/trust"
)

// benchPassiveAuth verifies an EF.SOD over DG1, a 20 KB DG2 and DG11 under an
// RSA-4096 CSCA (as Italy's) and an RSA-2048 document signer. With fresh=false the
// store is reused, so the CSCA signature on the document signer is checked once and
// then cached; with fresh=true every call pays for it.
func benchPassiveAuth(b *testing.B, fresh bool) {
	pki, err := cardtest.NewPKI(cardtest.RSACSCA(4096))
	if err != nil {
		b.Fatal(err)
	}
	dgs := dataGroups()
	dgs[2] = bytes.Repeat([]byte{0x5f, 0x2e}, 10000)
	der, err := pki.EMRTDSOD(dgs)
	if err != nil {
		b.Fatal(err)
	}
	store := trust.NewStore(pki.Anchors()...)
	now := time.Now()
	for b.Loop() {
		if fresh {
			store = trust.NewStore(pki.Anchors()...)
		}
		r, err := sod.Verify(der, dgs, store, now)
		if err != nil || !r.OK {
			b.Fatalf("%v %+v", err, r)
		}
	}
}

func BenchmarkPassiveAuth(b *testing.B)              { benchPassiveAuth(b, false) }
func BenchmarkPassiveAuthUncachedChain(b *testing.B) { benchPassiveAuth(b, true) }
