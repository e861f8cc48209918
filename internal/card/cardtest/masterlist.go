package cardtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"time"
)

// Object identifiers of ICAO master lists (9303 part 12).
var (
	OIDCscaMasterList   = asn1.ObjectIdentifier{2, 23, 136, 1, 1, 2}
	OIDMasterListSigner = asn1.ObjectIdentifier{2, 23, 136, 1, 1, 3}
)

// MasterList signs a CscaMasterList holding this country's anchors, as a master list
// signer certified by the current CSCA (the root to check it under). WrongKeyUsage
// leaves out the master-list-signer extended key usage, making the signer an
// ordinary document signer that must not be able to publish trust anchors.
func (p *PKI) MasterList(opts ...SignOption) ([]byte, error) {
	cfg := newSignConfig(opts)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	year := 365 * 24 * time.Hour
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{Country: []string{"XT"}, Organization: []string{"Test Ministry"}, CommonName: "Test Master List Signer"},
		NotBefore:    p.now.Add(-year),
		NotAfter:     p.now.Add(year),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		SubjectKeyId: keyID(key.Public()),
	}
	if !cfg.wrongUsage {
		tmpl.UnknownExtKeyUsage = []asn1.ObjectIdentifier{OIDMasterListSigner}
	}
	if cfg.expired {
		tmpl.NotBefore, tmpl.NotAfter = p.now.Add(-3*year), p.now.Add(-year)
	}
	signer, err := issue(tmpl, p.CSCA, key.Public(), p.cscaKey)
	if err != nil {
		return nil, err
	}
	list := struct {
		Version int
		Certs   []asn1.RawValue `asn1:"set"`
	}{}
	for _, c := range p.Anchors() {
		list.Certs = append(list.Certs, asn1.RawValue{FullBytes: c.Raw})
	}
	content, err := asn1.Marshal(list)
	if err != nil {
		return nil, err
	}
	return signedData(OIDCscaMasterList, content, signer, key, cfg)
}
