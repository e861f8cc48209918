package nis

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/card/cardtest"
	"github.com/sportello/sportello/internal/card/trust"
)

// card is the part of a simulated CIE the NIS check talks to.
type card struct {
	nis  []byte
	kpub []byte // as the file holds it: the key, then padding
	key  *rsa.PrivateKey
	sod  []byte
}

func (c *card) sign(challenge []byte) []byte {
	sig, err := rsa.SignPKCS1v15(rand.Reader, c.key, crypto.Hash(0), challenge)
	if err != nil {
		panic(err)
	}
	return sig
}

var (
	fixtureOnce sync.Once
	fixturePKI  *cardtest.PKI
	fixtureKeys [2]*rsa.PrivateKey
	fixtureErr  error
)

func fixtures(t testing.TB) (*cardtest.PKI, [2]*rsa.PrivateKey) {
	t.Helper()
	fixtureOnce.Do(func() {
		if fixturePKI, fixtureErr = cardtest.NewPKI(); fixtureErr != nil {
			return
		}
		for i := range fixtureKeys {
			if fixtureKeys[i], fixtureErr = rsa.GenerateKey(rand.Reader, 2048); fixtureErr != nil {
				return
			}
		}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixturePKI, fixtureKeys
}

func newCard(t testing.TB, pki *cardtest.PKI, key *rsa.PrivateKey, nis string, opts ...cardtest.SignOption) *card {
	t.Helper()
	kpub := append(x509.MarshalPKCS1PublicKey(&key.PublicKey), 0xFF, 0xFF, 0xFF, 0xFF)
	sod, err := pki.IASSOD([]byte(nis), kpub, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return &card{nis: []byte(nis), kpub: kpub, key: key, sod: sod}
}

func TestVerify(t *testing.T) {
	pki, keys := fixtures(t)
	store := trust.NewStore(pki.Anchors()...)
	clock := time.Now()
	ch, err := NewChallenger(ChallengerConfig{TTL: time.Minute, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	genuine := newCard(t, pki, keys[0], "123456789012")
	spkiKpub, err := x509.MarshalPKIXPublicKey(&keys[0].PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	spkiSOD, err := pki.IASSOD(genuine.nis, spkiKpub)
	if err != nil {
		t.Fatal(err)
	}
	untrusted := newCard(t, pki, keys[0], "123456789012", cardtest.UntrustedSigner())

	fresh := func(c *card) Proof {
		challenge, err := ch.Issue()
		if err != nil {
			t.Fatal(err)
		}
		return Proof{NIS: c.nis, Kpub: c.kpub, SOD: c.sod, Challenge: challenge, Signature: c.sign(challenge)}
	}
	replayed := fresh(genuine)
	if r, err := Verify(replayed, store, ch, clock); err != nil || !r.OK {
		t.Fatalf("first use of the proof: %v %+v", err, r)
	}

	tests := []struct {
		name  string
		proof func() Proof
		fail  []string
		why   string
	}{
		{"genuine card", func() Proof { return fresh(genuine) }, nil, ""},
		{"kpub as SubjectPublicKeyInfo", func() Proof {
			p := fresh(genuine)
			p.Kpub, p.SOD = spkiKpub, spkiSOD
			return p
		}, nil, ""},
		{"replayed challenge", func() Proof { return replayed }, []string{StepChallenge}, "already used"},
		{"challenge never issued", func() Proof {
			p := fresh(genuine)
			p.Challenge = []byte("0123456789abcdef")
			p.Signature = genuine.sign(p.Challenge)
			return p
		}, []string{StepChallenge}, "unknown"},
		{"expired challenge", func() Proof {
			p := fresh(genuine)
			clock = clock.Add(2 * time.Minute)
			return p
		}, []string{StepChallenge}, "expired"},
		{"short challenge", func() Proof {
			p := fresh(genuine)
			p.Challenge = p.Challenge[:8]
			p.Signature = genuine.sign(p.Challenge)
			return p
		}, []string{StepChallenge, StepSignature}, "at least 16"},
		{"cloned NIS with another card's key", func() Proof {
			p := fresh(genuine)
			clone := newCard(t, pki, keys[1], "123456789012")
			p.Kpub, p.Signature = clone.kpub, clone.sign(p.Challenge)
			return p
		}, []string{"kpubHash"}, "the security object says"},
		{"NIS of someone else", func() Proof {
			p := fresh(genuine)
			p.NIS = []byte("999999999999")
			return p
		}, []string{"nisHash"}, "the security object says"},
		{"signature by another key", func() Proof {
			p := fresh(genuine)
			p.Signature = newCard(t, pki, keys[1], "1").sign(p.Challenge)
			return p
		}, []string{StepSignature}, "does not verify under Kpub"},
		{"signature of another challenge", func() Proof {
			p := fresh(genuine)
			other, _ := ch.Issue()
			p.Signature = genuine.sign(other)
			return p
		}, []string{StepSignature}, "does not verify"},
		{"sod from an untrusted signer", func() Proof { return fresh(untrusted) }, []string{"chain"}, "does not verify"},
		{"not a NIS", func() Proof {
			p := fresh(genuine)
			p.NIS = []byte("12345678901X")
			return p
		}, []string{StepNIS, "nisHash"}, "not all digits"},
		{"garbage kpub", func() Proof {
			p := fresh(genuine)
			p.Kpub = []byte{0x04, 0x01, 0x00}
			return p
		}, []string{StepKpub, "kpubHash", StepSignature}, "DER SEQUENCE"},
		{"garbage sod", func() Proof {
			p := fresh(genuine)
			p.SOD = []byte{0x77, 0x01, 0x00}
			return p
		}, []string{StepSOD}, "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Verify(tt.proof(), store, ch, clock)
			if err != nil {
				t.Fatal(err)
			}
			var failed []string
			for _, s := range r.Steps {
				if !s.OK {
					failed = append(failed, s.Name)
				}
			}
			if !slices.Equal(failed, tt.fail) || r.OK != (len(tt.fail) == 0) {
				t.Fatalf("failed %v (ok=%v), want %v: %+v", failed, r.OK, tt.fail, r.Steps)
			}
			if !strings.Contains(r.Reason, tt.why) {
				t.Errorf("reason %q does not mention %q", r.Reason, tt.why)
			}
		})
	}
}

func TestChallenger(t *testing.T) {
	if _, err := NewChallenger(ChallengerConfig{Size: 8}); err == nil {
		t.Error("8-byte challenges accepted")
	}
	clock := time.Now()
	ch, err := NewChallenger(ChallengerConfig{TTL: time.Second, MaxOutstanding: 2, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := ch.Issue()
	b, _ := ch.Issue()
	if len(a) != MinChallengeSize || string(a) == string(b) {
		t.Fatalf("challenges %x %x", a, b)
	}
	if _, err := ch.Issue(); !errors.Is(err, ErrTooManyChallenges) {
		t.Errorf("third outstanding challenge: %v", err)
	}
	clock = clock.Add(2 * time.Second)
	if _, err := ch.Issue(); err != nil {
		t.Errorf("expired challenges not pruned: %v", err)
	}
	if err := ch.Redeem(a); !errors.Is(err, ErrUnknownChallenge) {
		t.Errorf("pruned challenge redeemed: %v", err)
	}
}

// BenchmarkNISVerify times the server side of one badge check, the card's signing excluded.
func BenchmarkNISVerify(b *testing.B) {
	pki, keys := fixtures(b)
	store := trust.NewStore(pki.Anchors()...)
	ch, err := NewChallenger(ChallengerConfig{})
	if err != nil {
		b.Fatal(err)
	}
	c := newCard(b, pki, keys[0], "123456789012")
	for b.Loop() {
		b.StopTimer()
		challenge, _ := ch.Issue()
		p := Proof{NIS: c.nis, Kpub: c.kpub, SOD: c.sod, Challenge: challenge, Signature: c.sign(challenge)}
		b.StartTimer()
		r, err := Verify(p, store, ch, time.Now())
		if err != nil || !r.OK {
			b.Fatalf("%v %+v", err, r)
		}
	}
}

func FuzzParseKpub(f *testing.F) {
	_, keys := fixtures(f)
	pkcs1 := x509.MarshalPKCS1PublicKey(&keys[0].PublicKey)
	spki, err := x509.MarshalPKIXPublicKey(&keys[0].PublicKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(append(pkcs1, 0xFF, 0xFF))
	f.Add(spki)
	f.Add([]byte{0x30, 0x82, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		k, elem, err := ParseKpub(b)
		if err != nil {
			return
		}
		if k == nil || len(elem) > len(b) || string(elem) != string(b[:len(elem)]) {
			t.Fatalf("key %v, element of %d bytes not a prefix of the %d-byte file", k, len(elem), len(b))
		}
	})
}

func TestVerifyAccess(t *testing.T) {
	pki, keys := fixtures(t)
	ch, err := NewChallenger(ChallengerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	enrolled := newCard(t, pki, keys[0], "123456789012")
	clone := newCard(t, pki, keys[1], "123456789012")
	enrolledHash, err := KeyHash(enrolled.kpub)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Verify(func() Proof {
		c, _ := ch.Issue()
		return Proof{NIS: enrolled.nis, Kpub: enrolled.kpub, SOD: enrolled.sod, Challenge: c, Signature: enrolled.sign(c)}
	}(), trust.NewStore(pki.Anchors()...), ch, time.Now())
	if err != nil || !r.OK || r.KeyHash != enrolledHash {
		t.Fatalf("enrolment check: %v %+v, key hash %s", err, r, enrolledHash)
	}
	used, _ := ch.Issue()
	if _, err := VerifyAccess(Proof{NIS: enrolled.nis, Kpub: enrolled.kpub, Challenge: used, Signature: enrolled.sign(used)}, ch); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		proof    func() Proof
		wantHash string // "" when access must be refused
	}{
		{"enrolled card", func() Proof {
			c, _ := ch.Issue()
			return Proof{NIS: enrolled.nis, Kpub: enrolled.kpub, Challenge: c, Signature: enrolled.sign(c)}
		}, enrolledHash},
		{"clone signs with its own key: a different hash, no DB match", func() Proof {
			c, _ := ch.Issue()
			return Proof{NIS: clone.nis, Kpub: clone.kpub, Challenge: c, Signature: clone.sign(c)}
		}, "other"},
		{"clone presents the enrolled Kpub", func() Proof {
			c, _ := ch.Issue()
			return Proof{NIS: clone.nis, Kpub: enrolled.kpub, Challenge: c, Signature: clone.sign(c)}
		}, ""},
		{"replayed swipe", func() Proof {
			return Proof{NIS: enrolled.nis, Kpub: enrolled.kpub, Challenge: used, Signature: enrolled.sign(used)}
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := VerifyAccess(tt.proof(), ch)
			switch tt.wantHash {
			case "":
				if err == nil {
					t.Fatalf("access granted, key hash %s", h)
				}
			case "other":
				if err != nil || h == enrolledHash {
					t.Fatalf("hash %s err %v: a clone must yield a different key hash", h, err)
				}
			default:
				if err != nil || h != tt.wantHash {
					t.Fatalf("hash %s err %v", h, err)
				}
			}
		})
	}
}
