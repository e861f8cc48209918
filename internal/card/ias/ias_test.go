package ias_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/sportello/sportello/internal/card/ias"
	"github.com/sportello/sportello/internal/card/iso7816"
	"github.com/sportello/sportello/internal/card/simcard"
)

var stubSigners = simcard.Signers{
	EMRTD: func(map[int][]byte) ([]byte, error) { return iso7816.Encode(0x77, []byte("eMRTD SOD")), nil },
	IAS: func(nis, kpub []byte) ([]byte, error) {
		return iso7816.Encode(0x30, bytes.Repeat([]byte("IAS SOD "), 100)), nil
	},
}

var (
	once    sync.Once
	profile simcard.Profile
	pErr    error
)

func newCard(t *testing.T, mutate func(*simcard.Profile)) *simcard.Card {
	t.Helper()
	once.Do(func() { profile, pErr = simcard.Personalise(simcard.DemoHolder(), stubSigners, 2048, nil) })
	if pErr != nil {
		t.Fatal(pErr)
	}
	p := profile
	if mutate != nil {
		mutate(&p)
	}
	c, err := simcard.New(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// log records the APDUs so the test can check the exact commands of the CIE manual.
type log struct {
	card iso7816.Transceiver
	sent [][]byte
}

func (l *log) Transmit(apdu []byte) ([]byte, error) {
	l.sent = append(l.sent, append([]byte(nil), apdu...))
	return l.card.Transmit(apdu)
}

func TestReadBadge(t *testing.T) {
	l := &log{card: newCard(t, nil)}
	b, err := ias.Read(l, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if b.NIS != simcard.DemoHolder().NIS {
		t.Fatalf("NIS %q", b.NIS)
	}
	if b.PublicKey.N.BitLen() != 2048 {
		t.Fatalf("key of %d bits", b.PublicKey.N.BitLen())
	}
	// The key file is padded; only the DER object is returned (and hashed).
	if len(b.Kpub) != len(profile.Kpub)-16 || !bytes.Equal(b.Kpub, profile.Kpub[:len(b.Kpub)]) {
		t.Fatalf("Kpub of %d bytes, file of %d", len(b.Kpub), len(profile.Kpub))
	}
	if !bytes.Equal(b.SOD, profile.IASSOD) {
		t.Fatal("SOD differs")
	}
	if len(b.Challenge) < ias.MinChallenge {
		t.Fatalf("challenge of %d bytes", len(b.Challenge))
	}
	want := []string{
		"00A4040C0DA0000000308000000009816001",
		"00A4040C06A00000000039",
		"00B081000C",
	}
	for i, w := range want {
		if got := hexOf(l.sent[i]); got != w {
			t.Fatalf("APDU %d = %s, want %s", i, got, w)
		}
	}
	// Kpub is read exactly as the official SDK reads it, and the SOD beyond
	// offset 255 with the odd READ BINARY.
	if got := hexOf(l.sent[3]) + " " + hexOf(l.sent[4]); got != "00B0850000 00B085E700" {
		t.Fatalf("Kpub reads %s", got)
	}
	var sawMSE, sawGetResponse, sawB1 bool
	for _, a := range l.sent {
		sawMSE = sawMSE || hexOf(a) == "002241A406800102840183"
		sawGetResponse = sawGetResponse || (len(a) >= 2 && a[1] == 0xC0)
		sawB1 = sawB1 || strings.HasPrefix(hexOf(a), "00B10006045402")
	}
	if !sawMSE || !sawGetResponse || !sawB1 {
		t.Fatalf("MSE %v, GET RESPONSE after 61xx %v, B1 for the SOD %v", sawMSE, sawGetResponse, sawB1)
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func TestChallengesAreFresh(t *testing.T) {
	card := newCard(t, nil)
	a, err := ias.Read(card, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ias.Read(card, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Challenge, b.Challenge) || bytes.Equal(a.Signature, b.Signature) {
		t.Fatal("two reads used the same challenge")
	}
	// A recorded answer does not verify for a new challenge.
	if err := ias.VerifySignature(b.PublicKey, b.Challenge, a.Signature); !errors.Is(err, ias.ErrSignature) {
		t.Fatalf("replayed signature: err = %v", err)
	}
}

func TestClonedNISRejected(t *testing.T) {
	// A clone copies NIS, Kpub and SOD but has its own key.
	card := newCard(t, func(p *simcard.Profile) {
		clone, err := simcard.Personalise(simcard.DemoHolder(), stubSigners, 1024, nil)
		if err != nil {
			t.Fatal(err)
		}
		p.Key = clone.Key
	})
	b, err := ias.Read(card, rand.Reader)
	if !errors.Is(err, ias.ErrSignature) {
		t.Fatalf("err = %v, want ErrSignature", err)
	}
	if b == nil || b.NIS != simcard.DemoHolder().NIS || len(b.Signature) == 0 {
		t.Fatalf("badge not returned with the bad signature: %+v", b)
	}
}

func TestShortChallengeRefused(t *testing.T) {
	card := newCard(t, nil)
	if err := ias.Select(card); err != nil {
		t.Fatal(err)
	}
	if _, err := ias.InternalAuthenticate(card, make([]byte, 8)); err == nil {
		t.Fatal("8-byte challenge accepted")
	}
}

func TestValidNIS(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{{"123456789012", true}, {"12345678901", false}, {"12345678901A", false}, {"1234567890123", false}} {
		if err := ias.ValidNIS(tt.in); (err == nil) != tt.ok {
			t.Errorf("ValidNIS(%q) = %v", tt.in, err)
		}
	}
}

func TestParseKpub(t *testing.T) {
	card := newCard(t, nil)
	b, err := ias.Read(card, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ias.ParseKpub(b.Kpub[:len(b.Kpub)-1]); err == nil {
		t.Fatal("truncated key parsed")
	}
}
