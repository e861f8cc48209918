// Package cms parses and checks CMS SignedData (RFC 5652) as ICAO 9303 uses it: the
// eMRTD and IAS security objects and CSCA master lists. It is hand-written because the
// registries we can reach offer no maintained CMS verifier (the proxy refuses gmrtd, and
// the Go ecosystem's pkcs7 packages neither check signed attributes nor support
// RSA-PSS or explicit-curve ECDSA).
package cms

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/sportello/sportello/internal/card/sod/der"
)

// SignedData is a parsed CMS SignedData with its encapsulated content.
type SignedData struct {
	ContentType  asn1.ObjectIdentifier
	Content      []byte // eContent, the signed bytes the messageDigest covers
	Certificates []*x509.Certificate
	// CertificateErrors counts embedded certificates that could not be parsed, so a
	// master list with an exotic entry still loads and says so.
	CertificateErrors []error
	SignerInfos       []SignerInfo
}

// SignerInfo is one signature over the content.
type SignerInfo struct {
	Version int
	// Exactly one of IssuerRaw+Serial and SubjectKeyID identifies the signer.
	IssuerRaw          []byte
	Serial             *big.Int
	SubjectKeyID       []byte
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        []byte // DER of the SET OF Attribute, re-tagged 0x31: what is signed
	Attributes         []Attribute
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
}

// Attribute is one signed attribute with its values as raw DER.
type Attribute struct {
	Type   asn1.ObjectIdentifier
	Values []asn1.RawValue `asn1:"set"`
}

type contentInfoASN1 struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,tag:0"`
}

type signedDataASN1 struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	EncapContentInfo struct {
		EContentType asn1.ObjectIdentifier
		EContent     []byte `asn1:"explicit,optional,tag:0"`
	}
	Certificates asn1.RawValue    `asn1:"optional,tag:0"`
	CRLs         asn1.RawValue    `asn1:"optional,tag:1"`
	SignerInfos  []signerInfoASN1 `asn1:"set"`
}

type signerInfoASN1 struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

// Parse reads a ContentInfo holding SignedData, optionally wrapped in the eMRTD
// application tag 0x77. Padding (0x00 or 0xFF) after it is ignored: card files read
// to their allocated size end with it.
func Parse(b []byte) (*SignedData, error) {
	outer, pad, err := der.Read(b)
	if err != nil {
		return nil, fmt.Errorf("cms: bad ContentInfo: %w", err)
	}
	if !isPadding(pad) {
		return nil, errors.New("cms: trailing data after ContentInfo")
	}
	b = outer.Raw
	if outer.Is(der.ClassApplication, true, 23) {
		b = outer.Value
	}
	var ci contentInfoASN1
	rest, err := asn1.Unmarshal(b, &ci)
	if err != nil {
		return nil, fmt.Errorf("cms: bad ContentInfo: %w", err)
	}
	if len(rest) > 0 {
		return nil, errors.New("cms: trailing data inside the 0x77 tag")
	}
	if !ci.ContentType.Equal(OIDSignedData) {
		return nil, fmt.Errorf("cms: content type %s is not SignedData", ci.ContentType)
	}
	var sd signedDataASN1
	if rest, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("cms: bad SignedData: %v", err)
	}
	if sd.EncapContentInfo.EContent == nil {
		return nil, errors.New("cms: detached content is not supported")
	}
	out := &SignedData{ContentType: sd.EncapContentInfo.EContentType, Content: sd.EncapContentInfo.EContent}
	if len(sd.Certificates.Bytes) > 0 {
		elems, err := der.ReadAll(sd.Certificates.Bytes)
		if err != nil {
			return nil, fmt.Errorf("cms: bad certificate set: %w", err)
		}
		for _, e := range elems {
			if !e.Is(der.ClassUniversal, true, asn1.TagSequence) {
				continue // attribute certificates and other choices are not used here
			}
			c, err := ParseCertificate(e.Raw)
			if err != nil {
				out.CertificateErrors = append(out.CertificateErrors, err)
				continue
			}
			out.Certificates = append(out.Certificates, c)
		}
	}
	if len(sd.SignerInfos) == 0 {
		return nil, errors.New("cms: no signerInfo")
	}
	for _, s := range sd.SignerInfos {
		si, err := parseSignerInfo(s)
		if err != nil {
			return nil, err
		}
		out.SignerInfos = append(out.SignerInfos, si)
	}
	return out, nil
}

func parseSignerInfo(s signerInfoASN1) (SignerInfo, error) {
	si := SignerInfo{Version: s.Version, DigestAlgorithm: s.DigestAlgorithm, SignatureAlgorithm: s.SignatureAlgorithm, Signature: s.Signature}
	switch {
	case s.SID.Class == asn1.ClassUniversal && s.SID.Tag == asn1.TagSequence:
		var ias issuerAndSerial
		if _, err := asn1.Unmarshal(s.SID.FullBytes, &ias); err != nil {
			return si, fmt.Errorf("cms: bad issuerAndSerialNumber: %v", err)
		}
		si.IssuerRaw, si.Serial = ias.Issuer.FullBytes, ias.Serial
	case s.SID.Class == asn1.ClassContextSpecific && s.SID.Tag == 0 && !s.SID.IsCompound:
		si.SubjectKeyID = s.SID.Bytes
	default:
		return si, errors.New("cms: bad signer identifier")
	}
	if len(s.SignedAttrs.FullBytes) == 0 {
		return si, nil
	}
	// The signature covers the attributes with the universal SET tag, not the implicit [0].
	si.SignedAttrs = append([]byte{0x31}, s.SignedAttrs.FullBytes[1:]...)
	if _, err := asn1.UnmarshalWithParams(si.SignedAttrs, &si.Attributes, "set"); err != nil {
		return si, fmt.Errorf("cms: bad signed attributes: %v", err)
	}
	return si, nil
}

// Attribute returns the single value of the signed attribute typ.
func (si *SignerInfo) Attribute(typ asn1.ObjectIdentifier) (asn1.RawValue, bool, error) {
	var found *Attribute
	for i := range si.Attributes {
		if si.Attributes[i].Type.Equal(typ) {
			if found != nil {
				return asn1.RawValue{}, false, fmt.Errorf("cms: attribute %s appears twice", typ)
			}
			found = &si.Attributes[i]
		}
	}
	if found == nil {
		return asn1.RawValue{}, false, nil
	}
	if len(found.Values) != 1 {
		return asn1.RawValue{}, false, fmt.Errorf("cms: attribute %s has %d values", typ, len(found.Values))
	}
	return found.Values[0], true, nil
}

// SigningTime returns the signingTime attribute, if any.
func (si *SignerInfo) SigningTime() (time.Time, bool, error) {
	v, ok, err := si.Attribute(OIDSigningTime)
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	var t time.Time
	if _, err := asn1.Unmarshal(v.FullBytes, &t); err != nil {
		return time.Time{}, false, fmt.Errorf("cms: bad signingTime: %v", err)
	}
	return t, true, nil
}

// Digest returns the hash the signer used over the content.
func (si *SignerInfo) Digest() (crypto.Hash, error) { return HashByOID(si.DigestAlgorithm.Algorithm) }

// CheckAttributes verifies the signed attributes bind the content: contentType equals
// the eContentType and messageDigest equals the hash of eContent. Without this check a
// valid signature could be moved onto other data.
func (sd *SignedData) CheckAttributes(si *SignerInfo) error {
	if si.SignedAttrs == nil {
		return errors.New("cms: no signed attributes (ICAO 9303 requires them)")
	}
	ct, ok, err := si.Attribute(OIDContentType)
	if err != nil {
		return err
	}
	var oid asn1.ObjectIdentifier
	if !ok {
		return errors.New("cms: contentType attribute missing")
	}
	if _, err := asn1.Unmarshal(ct.FullBytes, &oid); err != nil || !oid.Equal(sd.ContentType) {
		return fmt.Errorf("cms: contentType attribute %s differs from eContentType %s", oid, sd.ContentType)
	}
	md, ok, err := si.Attribute(OIDMessageDigest)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("cms: messageDigest attribute missing")
	}
	var want []byte
	if _, err := asn1.Unmarshal(md.FullBytes, &want); err != nil {
		return fmt.Errorf("cms: bad messageDigest: %v", err)
	}
	h, err := si.Digest()
	if err != nil {
		return err
	}
	hh := h.New()
	hh.Write(sd.Content)
	if got := hh.Sum(nil); !bytes.Equal(got, want) {
		return fmt.Errorf("cms: messageDigest %X does not match %v of the content %X", want, h, got)
	}
	return nil
}

// Signer finds the certificate among the embedded ones that the signer identifier names.
func (sd *SignedData) Signer(si *SignerInfo) (*x509.Certificate, error) {
	for _, c := range sd.Certificates {
		if si.SubjectKeyID != nil && bytes.Equal(c.SubjectKeyId, si.SubjectKeyID) {
			return c, nil
		}
		if si.Serial != nil && c.SerialNumber != nil && c.SerialNumber.Cmp(si.Serial) == 0 && bytes.Equal(c.RawIssuer, si.IssuerRaw) {
			return c, nil
		}
	}
	return nil, errors.New("cms: signer certificate not embedded")
}

// VerifySignature checks the signerInfo's signature over its signed attributes with
// the key in cert.
func (si *SignerInfo) VerifySignature(cert *x509.Certificate) error {
	if si.SignedAttrs == nil {
		return errors.New("cms: no signed attributes")
	}
	h, err := si.Digest()
	if err != nil {
		return err
	}
	return VerifySignature(cert.PublicKey, si.SignatureAlgorithm, h, si.SignedAttrs, si.Signature)
}

func isPadding(b []byte) bool {
	for _, c := range b {
		if c != b[0] || (c != 0x00 && c != 0xFF) {
			return false
		}
	}
	return true
}
