package trust

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/card/sod/cms"
	"github.com/sportello/sportello/internal/card/sod/der"
)

// Object identifiers of ICAO 9303 part 12 master lists.
var (
	OIDCscaMasterList   = asn1.ObjectIdentifier{2, 23, 136, 1, 1, 2}
	OIDMasterListSigner = asn1.ObjectIdentifier{2, 23, 136, 1, 1, 3}
	oidExtKeyUsage      = asn1.ObjectIdentifier{2, 5, 29, 37}
)

// MasterList is a verified CSCA master list.
type MasterList struct {
	Signer       *x509.Certificate
	SigningTime  time.Time // zero when the list carries no signingTime
	Certificates []*x509.Certificate
	// Skipped holds one error per entry that could not be parsed (rare key types), so
	// the caller can report them instead of losing them silently.
	Skipped []error
}

// LoadMasterList verifies a CMS CscaMasterList under root (the issuing country's CSCA,
// e.g. DE_ROOT_CA_CSCA07.cer) and returns a store of its certificates.
func LoadMasterList(b []byte, root *x509.Certificate) (*Store, error) {
	ml, err := ParseMasterList(b, root, time.Now())
	if err != nil {
		return nil, err
	}
	return NewStore(ml.Certificates...), nil
}

// ParseMasterList verifies and reads a master list. The signer must be certified by
// root, carry the master-list-signer extended key usage (otherwise any document signer
// of that country could sign a list), and be valid at the signing time (now, if the
// list does not say).
func ParseMasterList(b []byte, root *x509.Certificate, now time.Time) (*MasterList, error) {
	if root == nil {
		return nil, errors.New("trust: a master list needs a root certificate to check its signature")
	}
	sd, err := cms.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("trust: master list: %w", err)
	}
	if !sd.ContentType.Equal(OIDCscaMasterList) {
		return nil, fmt.Errorf("trust: content type %s is not a CscaMasterList", sd.ContentType)
	}
	ml := &MasterList{}
	for i := range sd.SignerInfos {
		si := &sd.SignerInfos[i]
		if err := sd.CheckAttributes(si); err != nil {
			return nil, fmt.Errorf("trust: master list: %w", err)
		}
		signer, err := sd.Signer(si)
		if err != nil {
			return nil, fmt.Errorf("trust: master list: %w", err)
		}
		if err := si.VerifySignature(signer); err != nil {
			return nil, fmt.Errorf("trust: master list signature: %w", err)
		}
		at := now
		if t, ok, err := si.SigningTime(); err != nil {
			return nil, fmt.Errorf("trust: master list: %w", err)
		} else if ok {
			at, ml.SigningTime = t, t
		}
		if err := checkMasterListSigner(signer, root, at); err != nil {
			return nil, err
		}
		ml.Signer = signer
	}
	ml.Certificates, ml.Skipped, err = parseCertList(sd.Content)
	if err != nil {
		return nil, err
	}
	return ml, nil
}

func checkMasterListSigner(signer, root *x509.Certificate, at time.Time) error {
	if len(signer.AuthorityKeyId) > 0 && len(root.SubjectKeyId) > 0 && !bytes.Equal(signer.AuthorityKeyId, root.SubjectKeyId) {
		return fmt.Errorf("trust: master list signer was issued by key %s, not by the root %s", keyID(signer.AuthorityKeyId), keyID(root.SubjectKeyId))
	}
	if err := cms.CheckCertificateSignature(signer, root); err != nil {
		return fmt.Errorf("trust: master list signer not certified by the root: %w", err)
	}
	for _, c := range []*x509.Certificate{signer, root} {
		if at.Before(c.NotBefore) || at.After(c.NotAfter) {
			return fmt.Errorf("trust: %s not valid at %s", c.Subject.CommonName, at.UTC().Format(time.RFC3339))
		}
	}
	if !hasExtKeyUsage(signer, OIDMasterListSigner) {
		return errors.New("trust: master list signer lacks the ICAO master-list-signer extended key usage")
	}
	return nil
}

func hasExtKeyUsage(c *x509.Certificate, want asn1.ObjectIdentifier) bool {
	for _, e := range c.Extensions {
		if !e.Id.Equal(oidExtKeyUsage) {
			continue
		}
		var oids []asn1.ObjectIdentifier
		if _, err := asn1.Unmarshal(e.Value, &oids); err != nil {
			return false
		}
		for _, o := range oids {
			if o.Equal(want) {
				return true
			}
		}
	}
	return false
}

// parseCertList reads CscaMasterList ::= SEQUENCE { version INTEGER, certList SET OF Certificate }.
func parseCertList(content []byte) ([]*x509.Certificate, []error, error) {
	seq, rest, err := der.Read(content)
	if err != nil || len(rest) > 0 || !seq.Is(der.ClassUniversal, true, asn1.TagSequence) {
		return nil, nil, errors.New("trust: master list content is not a SEQUENCE")
	}
	fields, err := der.ReadAll(seq.Value)
	if err != nil || len(fields) != 2 || !fields[0].Is(der.ClassUniversal, false, asn1.TagInteger) || !fields[1].Is(der.ClassUniversal, true, asn1.TagSet) {
		return nil, nil, errors.New("trust: master list content is not {version, certList}")
	}
	entries, err := der.ReadAll(fields[1].Value)
	if err != nil {
		return nil, nil, fmt.Errorf("trust: master list certList: %w", err)
	}
	var certs []*x509.Certificate
	var skipped []error
	for i, e := range entries {
		c, err := cms.ParseCertificate(e.Raw)
		if err != nil {
			skipped = append(skipped, fmt.Errorf("entry %d: %w", i, err))
			continue
		}
		certs = append(certs, c)
	}
	return certs, skipped, nil
}
