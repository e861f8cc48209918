package trust

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// maxChainDepth bounds link-certificate chains; Italy has four links since 2011.
const maxChainDepth = 10

// ErrNoChain is wrapped when no path from a certificate to a trusted self-signed CSCA
// exists; the message says what was tried.
var ErrNoChain = errors.New("trust: no chain to a trusted CSCA")

// Chain finds a path from cert (usually a document signer) to a self-signed CSCA in
// the store, matching each certificate's AKI to an issuer's SKI, verifying each
// signature and each issuer's validity at at. The path starts with cert and ends with
// the CSCA.
func (s *Store) Chain(cert *x509.Certificate, at time.Time) ([]*x509.Certificate, error) {
	return s.ChainTo(cert, nil, at)
}

// ChainTo is Chain restricted to the self-signed CSCA whose SKI is anchorSKI (any,
// when nil), so a caller can follow link certificates back to an older CSCA.
func (s *Store) ChainTo(cert *x509.Certificate, anchorSKI []byte, at time.Time) ([]*x509.Certificate, error) {
	type node struct {
		cert *x509.Certificate
		path []*x509.Certificate
	}
	queue := []node{{cert, []*x509.Certificate{cert}}}
	seen := map[string]bool{string(cert.Raw): true}
	var problems []string
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if len(n.path) > maxChainDepth {
			continue
		}
		for _, issuer := range s.issuers(n.cert) {
			why := s.canIssue(n.cert, issuer, at)
			if why != "" {
				problems = append(problems, why)
				continue
			}
			path := append(append([]*x509.Certificate(nil), n.path...), issuer)
			if selfSigned(issuer) && (anchorSKI == nil || bytes.Equal(issuer.SubjectKeyId, anchorSKI)) {
				return path, nil
			}
			if seen[string(issuer.Raw)] || selfSigned(issuer) {
				continue
			}
			seen[string(issuer.Raw)] = true
			queue = append(queue, node{issuer, path})
		}
	}
	if len(problems) == 0 {
		return nil, fmt.Errorf("%w: no trusted certificate has key id %s (issuer %s)", ErrNoChain, keyID(cert.AuthorityKeyId), cert.Issuer)
	}
	return nil, fmt.Errorf("%w: %s", ErrNoChain, strings.Join(problems, "; "))
}

// issuers lists the trusted certificates whose SKI matches cert's AKI, or, for
// certificates without an AKI, whose subject is cert's issuer.
func (s *Store) issuers(cert *x509.Certificate) []*x509.Certificate {
	if len(cert.AuthorityKeyId) > 0 {
		return s.bySKI[hex.EncodeToString(cert.AuthorityKeyId)]
	}
	var out []*x509.Certificate
	for _, c := range s.certs {
		if bytes.Equal(c.RawSubject, cert.RawIssuer) {
			out = append(out, c)
		}
	}
	return out
}

// canIssue says why issuer cannot vouch for cert at time at, or "" if it can.
func (s *Store) canIssue(cert, issuer *x509.Certificate, at time.Time) string {
	id := keyID(issuer.SubjectKeyId)
	// Every certificate in the store is an anchor someone chose to trust, so the key
	// usage decides, not basicConstraints: Italy's 852DF7A7 link certificate says
	// CA:FALSE yet signs the 436CE392 link, and all Italian CSCAs say pathlen:0.
	switch {
	case issuer.KeyUsage != 0 && issuer.KeyUsage&x509.KeyUsageCertSign == 0:
		return "CSCA " + id + " lacks the keyCertSign usage"
	case issuer.KeyUsage == 0 && !issuer.IsCA:
		return "CSCA " + id + " is neither a CA nor allowed to sign certificates"
	case at.Before(issuer.NotBefore) || at.After(issuer.NotAfter):
		return fmt.Sprintf("CSCA %s not valid at %s (valid %s to %s)", id, at.UTC().Format(time.RFC3339), issuer.NotBefore.Format(time.DateOnly), issuer.NotAfter.Format(time.DateOnly))
	}
	if err := s.checkSignature(cert, issuer); err != nil {
		return fmt.Sprintf("signature by CSCA %s: %v", id, err)
	}
	return ""
}

func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawSubject, c.RawIssuer) && (len(c.AuthorityKeyId) == 0 || bytes.Equal(c.AuthorityKeyId, c.SubjectKeyId))
}

// keyID prints the first four bytes of a key identifier, as the CSCA tables do.
func keyID(id []byte) string {
	if len(id) == 0 {
		return "(none)"
	}
	return strings.ToUpper(hex.EncodeToString(id[:min(4, len(id))]))
}

// Describe renders a chain as "DS subject → CSCA B0BF3BB9 → …" for reports.
func Describe(chain []*x509.Certificate) string {
	parts := make([]string, len(chain))
	for i, c := range chain {
		name := c.Subject.CommonName
		if name == "" {
			name = c.Subject.String()
		}
		parts[i] = fmt.Sprintf("%s [%s]", name, keyID(c.SubjectKeyId))
	}
	return strings.Join(parts, " → ")
}
