package trust

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/card/cardtest"
)

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func italianStore(t testing.TB) *Store {
	t.Helper()
	s, err := LoadDir(filepath.Join("testdata", "IT"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func certByFile(t testing.TB, name string) []byte {
	t.Helper()
	cs, err := ParseCertificates(mustRead(t, filepath.Join("IT", name)))
	if err != nil || len(cs) != 1 {
		t.Fatalf("%s: %v", name, err)
	}
	return cs[0].Raw
}

func TestItalianLinkChain(t *testing.T) {
	s := italianStore(t)
	if s.Len() != 9 {
		t.Fatalf("loaded %d certificates, want 9", s.Len())
	}
	newest := findRaw(t, s, certByFile(t, "IT_06_E94A9119.pem"))
	oldest, _ := hex.DecodeString("B0BF3BB9ECEBC720974C1D13A5905A1A613589A0")
	tests := []struct {
		name   string
		at     time.Time
		anchor []byte
		want   []string // key ids along the path
		fail   string
	}{
		{"back to the 2011 CSCA", time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), oldest,
			[]string{"E94A9119", "E94A9119", "D11A505E", "436CE392", "852DF7A7", "B0BF3BB9"}, ""},
		{"any anchor is the CSCA itself", time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), nil,
			[]string{"E94A9119", "E94A9119"}, ""},
		{"after the 852DF7A7 link expired", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), oldest, nil, "852DF7A7 not valid"},
		{"before the newest CSCA existed", time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), oldest, nil, "E94A9119 not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chain, err := s.ChainTo(newest, tt.anchor, tt.at)
			if tt.fail != "" {
				if !errors.Is(err, ErrNoChain) || !strings.Contains(err.Error(), tt.fail) {
					t.Fatalf("err = %v, want ErrNoChain mentioning %q", err, tt.fail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range chain {
				got = append(got, keyID(c.SubjectKeyId))
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("chain %v, want %v (%s)", got, tt.want, Describe(chain))
			}
		})
	}
}

func findRaw(t testing.TB, s *Store, raw []byte) *x509.Certificate {
	t.Helper()
	for _, c := range s.Certificates() {
		if bytes.Equal(c.Raw, raw) {
			return c
		}
	}
	t.Fatal("certificate not in store")
	return nil
}

func TestGermanMasterList(t *testing.T) {
	ml := mustRead(t, "DE_ML_2026-05-28.ml")
	roots, err := ParseCertificates(mustRead(t, "DE_ROOT_CA_CSCA07.cer"))
	if err != nil {
		t.Fatal(err)
	}
	root := roots[0]
	it := italianStore(t)
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

	list, err := ParseMasterList(ml, root, at)
	if err != nil {
		t.Fatal(err)
	}
	if list.Signer.Subject.CommonName != "CSCA Master List Signer" {
		t.Errorf("signer %s", list.Signer.Subject)
	}
	found := 0
	for _, want := range it.Certificates() {
		for _, c := range list.Certificates {
			if bytes.Equal(c.Raw, want.Raw) {
				found++
				break
			}
		}
	}
	if found != 9 {
		t.Errorf("master list holds %d of the 9 Italian certificates", found)
	}
	t.Logf("%d certificates, %d skipped: %v", len(list.Certificates), len(list.Skipped), list.Skipped)

	flipped := bytes.Clone(ml)
	flipped[len(flipped)/2] ^= 0x01
	wrongRoot := it.Certificates()[0]
	tests := []struct {
		name string
		der  []byte
		root *x509.Certificate
		fail string
	}{
		{"content bit flipped", flipped, root, "messageDigest"},
		{"wrong root", ml, wrongRoot, "not by the root"},
		{"no root", ml, nil, "needs a root"},
		{"not a master list", mustRead(t, "DE_ROOT_CA_CSCA07.cer"), root, "ContentInfo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMasterList(tt.der, tt.root, at)
			if err == nil || !strings.Contains(err.Error(), tt.fail) {
				t.Fatalf("err = %v, want mention of %q", err, tt.fail)
			}
		})
	}
}

func TestLoadDirErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadDir(dir); err == nil {
		t.Error("empty directory accepted")
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.pem"), []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDir(dir); err == nil {
		t.Error("corrupt certificate accepted")
	}
}

func FuzzParseCertList(f *testing.F) {
	raw := certByFile(f, "IT_01_B0BF3BB9.pem")
	type certList struct {
		Version int
		Certs   []asn1.RawValue `asn1:"set"`
	}
	seed, err := asn1.Marshal(certList{0, []asn1.RawValue{{FullBytes: raw}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte{0x30, 0x05, 0x02, 0x01, 0x00, 0x31, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		certs, _, err := parseCertList(b)
		if err == nil && len(certs) > 0 && certs[0].Raw == nil {
			t.Fatal("certificate without raw bytes")
		}
	})
}

func FuzzParseMasterList(f *testing.F) {
	roots, err := ParseCertificates(mustRead(f, "DE_ROOT_CA_CSCA07.cer"))
	if err != nil {
		f.Fatal(err)
	}
	ml := mustRead(f, "DE_ML_2026-05-28.ml")
	f.Add(ml[:4096])
	if pki, err := cardtest.NewPKI(cardtest.ECDSADocumentSigner()); err == nil {
		if small, err := pki.MasterList(); err == nil {
			f.Add(small)
		}
	}
	f.Add([]byte{0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02})
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := ParseMasterList(b, roots[0], time.Now()); err == nil {
			t.Fatal("a fuzzed master list verified")
		}
	})
}

func TestOpen(t *testing.T) {
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	ml := filepath.Join("testdata", "DE_ML_2026-05-28.ml")
	root := filepath.Join("testdata", "DE_ROOT_CA_CSCA07.cer")
	tests := []struct {
		name, path, root string
		want             int // certificates, or -1 for an error
	}{
		{"directory", filepath.Join("testdata", "IT"), "", 9},
		{"one certificate", filepath.Join("testdata", "IT", "IT_01_B0BF3BB9.pem"), "", 1},
		{"master list with its root", ml, root, 587},
		{"master list without a root", ml, "", -1},
		{"directory with a root", filepath.Join("testdata", "IT"), root, -1},
		{"master list under the wrong root", ml, filepath.Join("testdata", "IT", "IT_01_B0BF3BB9.pem"), -1},
		{"missing", filepath.Join("testdata", "nope"), "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(tt.path, tt.root, at)
			if tt.want < 0 {
				if err == nil {
					t.Fatalf("loaded %d certificates, want an error", s.Len())
				}
				return
			}
			if err != nil || s.Len() != tt.want {
				t.Fatalf("err %v, want %d certificates", err, tt.want)
			}
		})
	}
}
