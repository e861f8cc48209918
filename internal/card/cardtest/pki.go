// Package cardtest makes the test PKI of a fictional issuing country: an old and a
// current CSCA joined by a link certificate, a document signer, and the security
// objects (eMRTD EF.SOD, IAS EF.SOD) a CIE carries. It is a normal package so the
// simulated card and the CLI tests can personalise cards with it. The binary uses it
// only for the demo reader (`--reader sim`), whose cards no production trust store
// accepts. Options produce the broken cases passive authentication must
// reject: an expired or wrong-usage document signer, an untrusted signer, tampered
// signed attributes.
package cardtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"
)

// PKI is a test country's signing hierarchy. Certificates are exported so tests can
// build trust stores from them; keys stay inside.
type PKI struct {
	OldCSCA *x509.Certificate // self-signed, the previous generation
	CSCA    *x509.Certificate // self-signed, the current generation
	Link    *x509.Certificate // the current CSCA key certified by the old one
	DS      *x509.Certificate // document signer issued by the current CSCA

	oldKey, cscaKey, dsKey crypto.Signer
	now                    time.Time
}

// PKIOption changes how NewPKI builds the hierarchy.
type PKIOption func(*pkiConfig)

type pkiConfig struct {
	cscaRSABits int // 0: ECDSA P-384
	dsRSABits   int // 0: ECDSA P-256
	now         time.Time
}

// RSACSCA makes both CSCA keys RSA of the given size, as Italy's are (4096 bits);
// ECDSA P-384 is the default because RSA key generation slows tests down.
func RSACSCA(bits int) PKIOption { return func(c *pkiConfig) { c.cscaRSABits = bits } }

// ECDSADocumentSigner gives the document signer an ECDSA P-256 key instead of the
// default RSA-2048 Italy uses.
func ECDSADocumentSigner() PKIOption { return func(c *pkiConfig) { c.dsRSABits = 0 } }

// At sets the clock the certificates' validity is computed from.
func At(t time.Time) PKIOption { return func(c *pkiConfig) { c.now = t } }

// NewPKI generates fresh keys and certificates.
func NewPKI(opts ...PKIOption) (*PKI, error) {
	cfg := pkiConfig{dsRSABits: 2048, now: time.Now()}
	for _, o := range opts {
		o(&cfg)
	}
	p := &PKI{now: cfg.now}
	var err error
	if p.oldKey, err = newKey(cfg.cscaRSABits, elliptic.P384()); err != nil {
		return nil, err
	}
	if p.cscaKey, err = newKey(cfg.cscaRSABits, elliptic.P384()); err != nil {
		return nil, err
	}
	if p.dsKey, err = newKey(cfg.dsRSABits, elliptic.P256()); err != nil {
		return nil, err
	}
	year := 365 * 24 * time.Hour
	oldTmpl := caTemplate("Test Country Signer CA 01", p.oldKey.Public(), cfg.now.Add(-10*year), cfg.now.Add(5*year))
	if p.OldCSCA, err = issue(oldTmpl, oldTmpl, p.oldKey.Public(), p.oldKey); err != nil {
		return nil, err
	}
	newTmpl := caTemplate("Test Country Signer CA 02", p.cscaKey.Public(), cfg.now.Add(-3*year), cfg.now.Add(12*year))
	if p.CSCA, err = issue(newTmpl, newTmpl, p.cscaKey.Public(), p.cscaKey); err != nil {
		return nil, err
	}
	linkTmpl := caTemplate("Test Country Signer CA 02", p.cscaKey.Public(), cfg.now.Add(-3*year), cfg.now.Add(5*year))
	if p.Link, err = issue(linkTmpl, p.OldCSCA, p.cscaKey.Public(), p.oldKey); err != nil {
		return nil, err
	}
	if p.DS, err = p.documentSigner(p.CSCA, p.cscaKey, cfg.now.Add(-year), cfg.now.Add(year), x509.KeyUsageDigitalSignature); err != nil {
		return nil, err
	}
	return p, nil
}

// Anchors returns what a verifier of this country trusts: both CSCAs and the link.
func (p *PKI) Anchors() []*x509.Certificate {
	return []*x509.Certificate{p.OldCSCA, p.CSCA, p.Link}
}

func (p *PKI) documentSigner(parent *x509.Certificate, parentKey crypto.Signer, from, to time.Time, usage x509.KeyUsage) (*x509.Certificate, error) {
	t := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{Country: []string{"XT"}, Organization: []string{"Test Ministry"}, CommonName: "Test Document Signer"},
		NotBefore:    from,
		NotAfter:     to,
		KeyUsage:     usage,
		SubjectKeyId: keyID(p.dsKey.Public()),
	}
	return issue(t, parent, p.dsKey.Public(), parentKey)
}

func caTemplate(cn string, pub crypto.PublicKey, from, to time.Time) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{Country: []string{"XT"}, Organization: []string{"Test Ministry"}, CommonName: cn},
		NotBefore:             from,
		NotAfter:              to,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		SubjectKeyId:          keyID(pub),
	}
}

func issue(tmpl, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		return nil, fmt.Errorf("cardtest: %w", err)
	}
	return x509.ParseCertificate(der)
}

func newKey(rsaBits int, curve elliptic.Curve) (crypto.Signer, error) {
	if rsaBits > 0 {
		return rsa.GenerateKey(rand.Reader, rsaBits)
	}
	return ecdsa.GenerateKey(curve, rand.Reader)
}

func keyID(pub crypto.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil
	}
	sum := sha256.Sum256(der)
	return sum[:20]
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n.Add(n, big.NewInt(1))
}
