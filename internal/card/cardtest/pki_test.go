package cardtest

import (
	"bytes"
	"crypto/x509"
	"testing"
	"time"
)

func TestNewPKI(t *testing.T) {
	p, err := NewPKI(ECDSADocumentSigner())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tests := []struct {
		name string
		ok   bool
	}{
		{"link carries the current CSCA key id", bytes.Equal(p.Link.SubjectKeyId, p.CSCA.SubjectKeyId)},
		{"link is issued by the old CSCA", bytes.Equal(p.Link.AuthorityKeyId, p.OldCSCA.SubjectKeyId) && p.Link.CheckSignatureFrom(p.OldCSCA) == nil},
		{"document signer is issued by the current CSCA", bytes.Equal(p.DS.AuthorityKeyId, p.CSCA.SubjectKeyId) && p.DS.CheckSignatureFrom(p.CSCA) == nil},
		{"document signer may sign, not certify", p.DS.KeyUsage == x509.KeyUsageDigitalSignature && !p.DS.IsCA},
		{"everything valid now", now.After(p.DS.NotBefore) && now.Before(p.DS.NotAfter) && now.Before(p.Link.NotAfter) && now.Before(p.OldCSCA.NotAfter)},
		{"CSCAs self-signed", p.CSCA.CheckSignatureFrom(p.CSCA) == nil && p.OldCSCA.CheckSignatureFrom(p.OldCSCA) == nil},
	}
	for _, tt := range tests {
		if !tt.ok {
			t.Error(tt.name)
		}
	}
	if _, err := p.IASSOD([]byte("123456789012"), []byte{0xFF, 0x00}); err == nil {
		t.Error("IASSOD accepted a Kpub that is not DER")
	}
	a, err := p.EMRTDSOD(map[int][]byte{1: []byte("x")})
	if err != nil || len(a) < 2 || a[0] != 0x77 {
		t.Fatalf("EF.SOD %x: %v", a[:min(len(a), 2)], err)
	}
}
