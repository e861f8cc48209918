package sod_test

import (
	"bytes"
	"crypto"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/card/cardtest"
	"github.com/sportello/sportello/internal/card/sod"
	"github.com/sportello/sportello/internal/card/trust"
)

var (
	pkiOnce sync.Once
	pkis    [2]*cardtest.PKI
	pkiErr  error
)

// testPKIs returns an RSA-signer and an ECDSA-signer country, made once per run
// because RSA key generation dominates test time otherwise.
func testPKIs(t testing.TB) (rsaPKI, ecPKI *cardtest.PKI) {
	t.Helper()
	pkiOnce.Do(func() {
		if pkis[0], pkiErr = cardtest.NewPKI(); pkiErr == nil {
			pkis[1], pkiErr = cardtest.NewPKI(cardtest.ECDSADocumentSigner())
		}
	})
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return pkis[0], pkis[1]
}

func dataGroups() map[int][]byte {
	return map[int][]byte{
		1:  []byte("\x61\x5b\x5f\x1f\x58CIITACA00000AA4<<<<<<<<<<<<<<<8501019F3101012ITA<<<<<<<<<<<4ROSSI<<MARIA<GRAZIA<<<<<<<<<<<"),
		2:  bytes.Repeat([]byte{0x75, 0x82}, 500),
		11: []byte("\x6b\x10\x5f\x10\x0dRSSMRA85A41H501Z"),
	}
}

func TestVerify(t *testing.T) {
	rsaPKI, ecPKI := testPKIs(t)
	store := trust.NewStore(append(rsaPKI.Anchors(), ecPKI.Anchors()...)...)
	other, _ := testPKIs(t)
	now := time.Now()
	flip := func(n, at int) map[int][]byte {
		dgs := dataGroups()
		dgs[n] = bytes.Clone(dgs[n])
		dgs[n][at] ^= 0x10
		return dgs
	}
	tests := []struct {
		name  string
		pki   *cardtest.PKI
		opts  []cardtest.SignOption
		dgs   map[int][]byte
		store *trust.Store
		fail  []string // steps that must fail, and only those
		why   string   // text the first failure must contain
	}{
		{name: "rsa signer", pki: rsaPKI},
		{name: "ecdsa signer", pki: ecPKI},
		{name: "rsa-pss sha-512", pki: rsaPKI, opts: []cardtest.SignOption{cardtest.PSS(), cardtest.Hash(crypto.SHA512)}},
		{name: "sha-1 as in older documents", pki: rsaPKI, opts: []cardtest.SignOption{cardtest.Hash(crypto.SHA1)}},
		{name: "signer from the old CSCA", pki: ecPKI, opts: []cardtest.SignOption{cardtest.SignedByOldCSCA()}},
		{name: "no signingTime", pki: rsaPKI, opts: []cardtest.SignOption{cardtest.NoSigningTime()}},
		{name: "only the old CSCA and the link trusted", pki: rsaPKI, store: trust.NewStore(rsaPKI.OldCSCA, rsaPKI.Link)},
		{name: "only the old CSCA trusted", pki: rsaPKI, store: trust.NewStore(rsaPKI.OldCSCA), fail: []string{sod.StepChain}, why: "no trusted certificate has key id"},
		{name: "sod only, no data groups", pki: rsaPKI, dgs: map[int][]byte{}},
		{name: "dg1 bit flipped", pki: rsaPKI, dgs: flip(1, 10), fail: []string{"dg1"}, why: "the security object says"},
		{name: "dg2 bit flipped", pki: rsaPKI, dgs: flip(2, 999), fail: []string{"dg2"}, why: "the security object says"},
		{name: "dg11 bit flipped", pki: ecPKI, dgs: flip(11, 0), fail: []string{"dg11"}, why: "the security object says"},
		{name: "data group not in the sod", pki: rsaPKI, dgs: map[int][]byte{3: []byte("fingerprints")}, fail: []string{"dg3"}, why: "no hash for data group 3"},
		{name: "untrusted signer", pki: rsaPKI, opts: []cardtest.SignOption{cardtest.UntrustedSigner()}, fail: []string{sod.StepChain}, why: "does not verify"},
		{name: "unknown country", pki: ecPKI, store: trust.NewStore(other.Anchors()...), fail: []string{sod.StepChain}, why: "no trusted certificate has key id"},
		{name: "expired signer", pki: rsaPKI, opts: []cardtest.SignOption{cardtest.ExpiredSigner()}, fail: []string{sod.StepValidity}, why: "document signer valid"},
		{name: "signed before the signer existed", pki: ecPKI, opts: []cardtest.SignOption{cardtest.SigningTime(now.AddDate(-2, 0, 0))}, fail: []string{sod.StepValidity}, why: "signingTime attribute"},
		{name: "wrong key usage", pki: rsaPKI, opts: []cardtest.SignOption{cardtest.WrongKeyUsage()}, fail: []string{sod.StepKeyUsage}, why: "lacks digitalSignature"},
		{name: "signed attributes altered", pki: rsaPKI, opts: []cardtest.SignOption{cardtest.TamperSignedAttrs()}, fail: []string{sod.StepSignature}, why: "signature does not verify"},
		{name: "altered ecdsa signed attributes", pki: ecPKI, opts: []cardtest.SignOption{cardtest.TamperSignedAttrs()}, fail: []string{sod.StepSignature}, why: "signature does not verify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.dgs == nil {
				tt.dgs = dataGroups()
			}
			if tt.store == nil {
				tt.store = store
			}
			der, err := tt.pki.EMRTDSOD(dataGroups(), tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			r, err := sod.Verify(der, tt.dgs, tt.store, now)
			if err != nil {
				t.Fatal(err)
			}
			var failed []string
			for _, s := range r.Steps {
				if !s.OK {
					failed = append(failed, s.Name)
				}
			}
			sort.Strings(tt.fail)
			sort.Strings(failed)
			if !slices.Equal(failed, tt.fail) || r.OK != (len(tt.fail) == 0) {
				t.Fatalf("failed steps %v (ok=%v), want %v; steps %+v", failed, r.OK, tt.fail, r.Steps)
			}
			if !strings.Contains(r.Reason, tt.why) {
				t.Errorf("reason %q does not mention %q", r.Reason, tt.why)
			}
			if want := 5 + len(tt.dgs); len(r.Steps) != want {
				t.Errorf("%d steps, want %d", len(r.Steps), want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	rsaPKI, _ := testPKIs(t)
	dgs := dataGroups()
	der, err := rsaPKI.EMRTDSOD(dgs, cardtest.Hash(crypto.SHA384))
	if err != nil {
		t.Fatal(err)
	}
	s, err := sod.Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	if s.HashAlgorithm != crypto.SHA384 || len(s.DataGroupHashes) != 3 {
		t.Fatalf("hash %v, %d groups", s.HashAlgorithm, len(s.DataGroupHashes))
	}
	for n, data := range dgs {
		h := crypto.SHA384.New()
		h.Write(data)
		if !bytes.Equal(s.DataGroupHashes[n], h.Sum(nil)) {
			t.Errorf("dg%d hash differs", n)
		}
	}
	// An IAS object keys the NIS and Kpub as 0xA1 and 0xA5; the Kpub hash covers only
	// the DER element, not what follows it in the file.
	kpub := []byte{0x30, 0x03, 0x02, 0x01, 0x03, 0xff, 0xff}
	ias, err := rsaPKI.IASSOD([]byte("123456789012"), kpub)
	if err != nil {
		t.Fatal(err)
	}
	r, err := sod.Verify(ias, map[int][]byte{0xA1: []byte("123456789012"), 0xA5: kpub[:5]}, trust.NewStore(rsaPKI.Anchors()...), time.Now())
	if err != nil || !r.OK {
		t.Fatalf("IAS object: %v %+v", err, r)
	}

	// Files read to their allocated size end in padding, which is not part of the object.
	for _, pad := range []byte{0x00, 0xFF} {
		if _, err := sod.Parse(append(bytes.Clone(der), pad, pad, pad)); err != nil {
			t.Errorf("padding %#x: %v", pad, err)
		}
	}
	bad := [][]byte{nil, {0x77, 0x00}, der[:len(der)/2], append(bytes.Clone(der), 1), append(bytes.Clone(der), 0, 0xFF)}
	for i, b := range bad {
		if _, err := sod.Parse(b); !errors.Is(err, sod.ErrMalformed) {
			t.Errorf("case %d: err = %v, want ErrMalformed", i, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	rsaPKI, ecPKI := testPKIs(f)
	for _, p := range []*cardtest.PKI{rsaPKI, ecPKI} {
		der, err := p.EMRTDSOD(map[int][]byte{1: []byte("dg1"), 2: []byte("dg2")})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
	}
	store := trust.NewStore(rsaPKI.Anchors()...)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := sod.Parse(b)
		if err != nil {
			if !errors.Is(err, sod.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if s.HashAlgorithm.Size() == 0 {
			t.Fatal("parsed without a hash algorithm")
		}
		r, err := sod.Verify(b, map[int][]byte{1: []byte("dg1")}, store, time.Now())
		if err != nil {
			t.Fatalf("Verify failed on what Parse accepted: %v", err)
		}
		if r.OK != (r.Reason == "") {
			t.Fatalf("OK=%v with reason %q", r.OK, r.Reason)
		}
	})
}
