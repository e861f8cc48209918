package badge_test

import (
	"context"
	"testing"

	"github.com/sportello/sportello/internal/badge"
	"github.com/sportello/sportello/internal/card/cardtest"
	"github.com/sportello/sportello/internal/card/ias"
	"github.com/sportello/sportello/internal/card/nis"
	"github.com/sportello/sportello/internal/card/simcard"
	"github.com/sportello/sportello/internal/card/trust"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

type fixture struct {
	svc  *badge.Service
	card *simcard.Card
	st   *store.Store
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	ctx := context.Background()
	st := testdb.Open(tb)
	pki, err := cardtest.NewPKI()
	if err != nil {
		tb.Fatal(err)
	}
	svc, err := badge.New(st, trust.NewStore(pki.Anchors()...), make([]byte, 32))
	if err != nil {
		tb.Fatal(err)
	}
	h := simcard.DemoHolder()
	p, err := simcard.Personalise(h, simcard.Signers{
		EMRTD: func(d map[int][]byte) ([]byte, error) { return pki.EMRTDSOD(d) },
		IAS:   func(n, k []byte) ([]byte, error) { return pki.IASSOD(n, k) },
	}, 2048, nil)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := simcard.New(p)
	if err != nil {
		tb.Fatal(err)
	}
	if err := st.CreateBadgePoint(ctx, &model.BadgePoint{Code: "door", Name: "Door", Groups: []string{"staff"}}); err != nil {
		tb.Fatal(err)
	}
	return &fixture{svc: svc, card: c, st: st}
}

func (f *fixture) proof(tb testing.TB) nis.Proof {
	tb.Helper()
	ch, err := f.svc.Challenge()
	if err != nil {
		tb.Fatal(err)
	}
	b, err := ias.ReadChallenge(f.card, ch)
	if err != nil {
		tb.Fatal(err)
	}
	return nis.Proof{NIS: []byte(b.NIS), Kpub: b.Kpub, SOD: b.SOD, Challenge: b.Challenge, Signature: b.Signature}
}

func TestDefaultAnchorsAreTheItalianCSCA(t *testing.T) {
	ts, err := badge.DefaultAnchors()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ts.Certificates()); n != 9 {
		t.Errorf("%d embedded certificates, want the 9 Italian CSCA and link certificates", n)
	}
}

func TestEnrolRefusesNonGenuine(t *testing.T) {
	f := newFixture(t)
	p := f.proof(t)
	p.Signature[0] ^= 1
	res, err := f.svc.Verify(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Enrol(context.Background(), res, "Maria Rossi", "staff", "test"); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("enrolled a card with a bad signature: %v", err)
	}
	res, _ = f.svc.Verify(f.proof(t))
	if _, err := f.svc.Enrol(context.Background(), res, "", "staff", "test"); model.ErrorCode(err) != model.EINVALID {
		t.Fatalf("enrolled without a holder: %v", err)
	}
}

// BenchmarkAccess measures one server-side access decision: passive authentication of
// the IAS SOD, the hashes, the signature check and the lookup, plus the audit row. The
// card's own signing happens outside the timer.
func BenchmarkAccess(b *testing.B) {
	f := newFixture(b)
	res, err := f.svc.Verify(f.proof(b))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.svc.Enrol(context.Background(), res, "Maria Rossi", "staff", "bench"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		p := f.proof(b)
		b.StartTimer()
		d, err := f.svc.Access(context.Background(), "door", p, "127.0.0.1")
		if err != nil || !d.Granted {
			b.Fatalf("%+v %v", d, err)
		}
	}
}
