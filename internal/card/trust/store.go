// Package trust holds the CSCA certificates passive authentication chains to: loaded
// from a directory of PEM/DER files or from an ICAO CSCA master list whose own
// signature is checked. Chain building (AKI→SKI, through link certificates) is written
// here because crypto/x509.Verify assumes TLS semantics (it refuses explicit-curve
// keys and checks name constraints and EKUs that CSCA chains do not carry).
package trust

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"sync"

	"github.com/sportello/sportello/internal/card/sod/cms"
)

// maxCachedSignatures bounds the signature cache, since document signer certificates
// arrive from cards and phones and could otherwise grow it without limit.
const maxCachedSignatures = 4096

// Store is a set of trusted CSCA and link certificates. It is safe for concurrent use.
// It caches certificate signature checks, so after the first card from a document
// signer a chain costs map look-ups instead of RSA-4096 verifications.
type Store struct {
	certs []*x509.Certificate
	bySKI map[string][]*x509.Certificate

	mu       sync.Mutex
	sigCache map[[64]byte]error
}

// NewStore makes a store holding certs.
func NewStore(certs ...*x509.Certificate) *Store {
	s := &Store{bySKI: map[string][]*x509.Certificate{}, sigCache: map[[64]byte]error{}}
	for _, c := range certs {
		s.add(c)
	}
	return s
}

func (s *Store) add(c *x509.Certificate) {
	for _, have := range s.certs {
		if bytes.Equal(have.Raw, c.Raw) {
			return
		}
	}
	s.certs = append(s.certs, c)
	k := hex.EncodeToString(c.SubjectKeyId)
	s.bySKI[k] = append(s.bySKI[k], c)
}

// Certificates returns the trusted certificates in load order.
func (s *Store) Certificates() []*x509.Certificate {
	return append([]*x509.Certificate(nil), s.certs...)
}

// Len is the number of trusted certificates.
func (s *Store) Len() int { return len(s.certs) }

// checkSignature verifies that parent signed child, remembering the answer.
func (s *Store) checkSignature(child, parent *x509.Certificate) error {
	var key [64]byte
	a, b := sha256.Sum256(child.Raw), sha256.Sum256(parent.Raw)
	copy(key[:32], a[:])
	copy(key[32:], b[:])
	s.mu.Lock()
	err, ok := s.sigCache[key]
	s.mu.Unlock()
	if ok {
		return err
	}
	err = cms.CheckCertificateSignature(child, parent)
	s.mu.Lock()
	if len(s.sigCache) >= maxCachedSignatures {
		clear(s.sigCache)
	}
	s.sigCache[key] = err
	s.mu.Unlock()
	return err
}
