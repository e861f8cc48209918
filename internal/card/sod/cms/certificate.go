package cms

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

type certificateASN1 struct {
	TBS    asn1.RawValue
	SigAlg pkix.AlgorithmIdentifier
	Sig    asn1.BitString
}

type tbsASN1 struct {
	Raw      asn1.RawContent
	Version  int `asn1:"optional,explicit,default:0,tag:0"`
	Serial   *big.Int
	SigAlg   pkix.AlgorithmIdentifier
	Issuer   asn1.RawValue
	Validity struct{ NotBefore, NotAfter time.Time }
	Subject  asn1.RawValue
	SPKI     asn1.RawValue
	IssuerID asn1.BitString   `asn1:"optional,tag:1"`
	SubjID   asn1.BitString   `asn1:"optional,tag:2"`
	Exts     []pkix.Extension `asn1:"optional,explicit,tag:3"`
}

type spkiASN1 struct {
	Algorithm pkix.AlgorithmIdentifier
	PublicKey asn1.BitString
}

var (
	oidSKI              = asn1.ObjectIdentifier{2, 5, 29, 14}
	oidKeyUsage         = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidBasicConstraints = asn1.ObjectIdentifier{2, 5, 29, 19}
	oidAKI              = asn1.ObjectIdentifier{2, 5, 29, 35}
)

// ParseCertificate parses a DER certificate with crypto/x509 and, when that refuses
// it, with a lenient parser here that fills the fields passive authentication needs.
// Real CSCAs trip crypto/x509 with explicit Brainpool curve parameters (PublicKey
// becomes an *ExplicitECKey, as for named Brainpool curves), RSA keys without NULL
// parameters and negative serials.
func ParseCertificate(der []byte) (*x509.Certificate, error) {
	c, err := x509.ParseCertificate(der)
	if err == nil {
		return c, nil
	}
	c, ferr := parseLenientCertificate(der)
	if ferr != nil {
		return nil, fmt.Errorf("%v; %v", err, ferr)
	}
	return c, nil
}

func parseLenientCertificate(der []byte) (*x509.Certificate, error) {
	var outer certificateASN1
	if rest, err := asn1.Unmarshal(der, &outer); err != nil || len(rest) > 0 {
		return nil, errors.New("cms: not a certificate")
	}
	var tbs tbsASN1
	if _, err := asn1.Unmarshal(outer.TBS.FullBytes, &tbs); err != nil {
		return nil, fmt.Errorf("cms: bad TBSCertificate: %v", err)
	}
	var spki spkiASN1
	if _, err := asn1.Unmarshal(tbs.SPKI.FullBytes, &spki); err != nil {
		return nil, fmt.Errorf("cms: bad SubjectPublicKeyInfo: %v", err)
	}
	key, alg, err := parseLenientKey(spki)
	if err != nil {
		return nil, err
	}
	c := &x509.Certificate{
		Raw:                     der,
		RawTBSCertificate:       outer.TBS.FullBytes,
		RawSubjectPublicKeyInfo: tbs.SPKI.FullBytes,
		RawSubject:              tbs.Subject.FullBytes,
		RawIssuer:               tbs.Issuer.FullBytes,
		Signature:               outer.Sig.RightAlign(),
		PublicKeyAlgorithm:      alg,
		PublicKey:               key,
		Version:                 tbs.Version + 1,
		SerialNumber:            tbs.Serial,
		NotBefore:               tbs.Validity.NotBefore,
		NotAfter:                tbs.Validity.NotAfter,
		Extensions:              tbs.Exts,
	}
	for _, n := range []struct {
		raw  []byte
		name *pkix.Name
	}{{c.RawSubject, &c.Subject}, {c.RawIssuer, &c.Issuer}} {
		var rdn pkix.RDNSequence
		if _, err := asn1.Unmarshal(n.raw, &rdn); err != nil {
			return nil, fmt.Errorf("cms: bad name: %v", err)
		}
		n.name.FillFromRDNSequence(&rdn)
	}
	for _, e := range tbs.Exts {
		if err := applyExtension(c, e); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func applyExtension(c *x509.Certificate, e pkix.Extension) error {
	switch {
	case e.Id.Equal(oidSKI):
		if _, err := asn1.Unmarshal(e.Value, &c.SubjectKeyId); err != nil {
			return fmt.Errorf("cms: bad subject key identifier: %v", err)
		}
	case e.Id.Equal(oidAKI):
		var aki struct {
			ID []byte `asn1:"optional,tag:0"`
		}
		if _, err := asn1.Unmarshal(e.Value, &aki); err != nil {
			return fmt.Errorf("cms: bad authority key identifier: %v", err)
		}
		c.AuthorityKeyId = aki.ID
	case e.Id.Equal(oidKeyUsage):
		var bits asn1.BitString
		if _, err := asn1.Unmarshal(e.Value, &bits); err != nil {
			return fmt.Errorf("cms: bad key usage: %v", err)
		}
		for i := 0; i < 9; i++ {
			if bits.At(i) != 0 {
				c.KeyUsage |= 1 << uint(i)
			}
		}
	case e.Id.Equal(oidBasicConstraints):
		var bc struct {
			IsCA       bool `asn1:"optional"`
			MaxPathLen int  `asn1:"optional,default:-1"`
		}
		if _, err := asn1.Unmarshal(e.Value, &bc); err != nil {
			return fmt.Errorf("cms: bad basic constraints: %v", err)
		}
		c.BasicConstraintsValid, c.IsCA, c.MaxPathLen = true, bc.IsCA, bc.MaxPathLen
	}
	return nil
}

// CheckCertificateSignature verifies that parent's key signed child. Unlike
// x509.Certificate.CheckSignatureFrom it accepts explicit-curve keys, RSA-PSS with any
// SHA-2 hash and SHA-1 (older CSCAs), and leaves CA checks to the caller.
func CheckCertificateSignature(child, parent *x509.Certificate) error {
	var outer certificateASN1
	if _, err := asn1.Unmarshal(child.Raw, &outer); err != nil {
		return fmt.Errorf("cms: bad certificate: %v", err)
	}
	return VerifySignature(parent.PublicKey, outer.SigAlg, 0, child.RawTBSCertificate, child.Signature)
}

func parseLenientKey(spki spkiASN1) (crypto.PublicKey, x509.PublicKeyAlgorithm, error) {
	switch {
	case spki.Algorithm.Algorithm.Equal(OIDECPublicKey) && spki.Algorithm.Parameters.Tag == asn1.TagSequence:
		k, err := ParseExplicitECKey(spki.Algorithm.Parameters.FullBytes, spki.PublicKey.RightAlign())
		return k, x509.ECDSA, err
	case spki.Algorithm.Algorithm.Equal(OIDECPublicKey) && spki.Algorithm.Parameters.Tag == asn1.TagOID:
		params, err := namedCurveParams(spki.Algorithm.Parameters)
		if err != nil {
			return nil, 0, err
		}
		k, err := ParseExplicitECKey(params, spki.PublicKey.RightAlign())
		return k, x509.ECDSA, err
	case spki.Algorithm.Algorithm.Equal(OIDRSAEncryption):
		var k struct{ N, E *big.Int }
		if rest, err := asn1.Unmarshal(spki.PublicKey.RightAlign(), &k); err != nil || len(rest) > 0 {
			return nil, 0, errors.New("cms: bad RSA public key")
		}
		// Bounded like crypto/x509: a certificate from a card must not buy an attacker
		// a minute of modular exponentiation.
		if k.N.Sign() <= 0 || k.N.BitLen() > 8192 || k.E.Cmp(big.NewInt(3)) < 0 || !k.E.IsInt64() || k.E.Int64() > 1<<31-1 {
			return nil, 0, errors.New("cms: RSA public key out of range")
		}
		return &rsa.PublicKey{N: k.N, E: int(k.E.Int64())}, x509.RSA, nil
	}
	return nil, 0, fmt.Errorf("cms: unsupported public key algorithm %s", spki.Algorithm.Algorithm)
}
