package trust

import (
	"bytes"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/card/cardtest"
)

func TestTestCountryMasterList(t *testing.T) {
	pki, err := cardtest.NewPKI(cardtest.ECDSADocumentSigner())
	if err != nil {
		t.Fatal(err)
	}
	good, err := pki.MasterList()
	if err != nil {
		t.Fatal(err)
	}
	noEKU, err := pki.MasterList(cardtest.WrongKeyUsage())
	if err != nil {
		t.Fatal(err)
	}
	expired, err := pki.MasterList(cardtest.ExpiredSigner())
	if err != nil {
		t.Fatal(err)
	}
	tampered, err := pki.MasterList(cardtest.TamperSignedAttrs())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		der  []byte
		root *x509.Certificate
		fail string
	}{
		{"valid", good, pki.CSCA, ""},
		{"signer without the master-list EKU", noEKU, pki.CSCA, "extended key usage"},
		{"expired signer", expired, pki.CSCA, "not valid"},
		{"altered signed attributes", tampered, pki.CSCA, "signature does not verify"},
		{"checked under another root", good, pki.OldCSCA, "not by the root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ml, err := ParseMasterList(tt.der, tt.root, time.Now())
			if tt.fail != "" {
				if err == nil || !strings.Contains(err.Error(), tt.fail) {
					t.Fatalf("err = %v, want mention of %q", err, tt.fail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ml.Certificates) != 3 || !bytes.Equal(ml.Certificates[0].Raw, pki.OldCSCA.Raw) && !bytes.Equal(ml.Certificates[1].Raw, pki.OldCSCA.Raw) && !bytes.Equal(ml.Certificates[2].Raw, pki.OldCSCA.Raw) {
				t.Errorf("master list holds %d certificates, want the 3 anchors", len(ml.Certificates))
			}
			// The anchors from the list chain the document signer, through the link if asked.
			s := NewStore(ml.Certificates...)
			if _, err := s.Chain(pki.DS, time.Now()); err != nil {
				t.Error(err)
			}
			chain, err := s.ChainTo(pki.DS, pki.OldCSCA.SubjectKeyId, time.Now())
			if err != nil || len(chain) != 3 || !bytes.Equal(chain[1].Raw, pki.Link.Raw) {
				t.Errorf("chain to the old CSCA through the link: %v (%s)", err, Describe(chain))
			}
		})
	}
}
