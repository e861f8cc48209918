// Package sod reads the document security object of an eMRTD (EF.SOD) or of the CIE's
// IAS application, and performs passive authentication (ICAO 9303 part 11 §5.1):
// signed attributes, signature, chain to a trusted CSCA, validity, key usage and data
// group hashes. Hand-written because the proxy refuses gmrtd, the one complete Go
// eMRTD library; it builds on crypto/x509 and encoding/asn1.
package sod

import (
	"crypto"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/sportello/sportello/internal/card/sod/cms"
	"github.com/sportello/sportello/internal/card/sod/der"
)

// OIDLDSSecurityObject is the eContentType ICAO 9303 gives EF.SOD. Plain id-data is
// read as well, because the IAS EF.SOD's content type is not publicly documented.
var (
	OIDLDSSecurityObject = asn1.ObjectIdentifier{2, 23, 136, 1, 1, 1}
)

// ErrMalformed is wrapped by Parse errors: the bytes are not a security object at all,
// which the CLI reports as unusable input rather than a failed verification.
var ErrMalformed = errors.New("sod: malformed security object")

// SOD is a parsed security object. DataGroupHashes is keyed by data group number
// (1–16 for eMRTD, 0xA1 and 0xA5 for the IAS NIS and Kpub).
type SOD struct {
	ContentType     asn1.ObjectIdentifier
	Version         int
	HashAlgorithm   crypto.Hash
	DataGroupHashes map[int][]byte
	Signed          *cms.SignedData
}

// Parse reads EF.SOD bytes, with or without the 0x77 tag, without verifying anything.
func Parse(b []byte) (*SOD, error) {
	sd, err := cms.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if !sd.ContentType.Equal(OIDLDSSecurityObject) && !sd.ContentType.Equal(cms.OIDData) {
		return nil, fmt.Errorf("%w: content type %s is not an LDS security object", ErrMalformed, sd.ContentType)
	}
	s, err := parseLDS(sd.Content)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	s.ContentType, s.Signed = sd.ContentType, sd
	return s, nil
}

// parseLDS reads LDSSecurityObject ::= SEQUENCE { version INTEGER, hashAlgorithm
// AlgorithmIdentifier, dataGroupHashValues SEQUENCE OF DataGroupHash, ldsVersionInfo
// OPTIONAL }. Data group numbers are read unsigned, because IAS objects write 0xA1 in
// one octet.
func parseLDS(b []byte) (*SOD, error) {
	seq, rest, err := der.Read(b)
	if err != nil || len(rest) > 0 || !seq.Is(der.ClassUniversal, true, asn1.TagSequence) {
		return nil, errors.New("LDSSecurityObject is not one SEQUENCE")
	}
	fields, err := der.ReadAll(seq.Value)
	if err != nil || len(fields) < 3 || len(fields) > 4 {
		return nil, errors.New("LDSSecurityObject does not have 3 or 4 fields")
	}
	if !fields[0].Is(der.ClassUniversal, false, asn1.TagInteger) {
		return nil, errors.New("LDSSecurityObject version is not an INTEGER")
	}
	s := &SOD{DataGroupHashes: map[int][]byte{}}
	if s.Version, err = der.Uint(fields[0].Value); err != nil || s.Version > 1 {
		return nil, fmt.Errorf("unsupported LDSSecurityObject version %x", fields[0].Value)
	}
	var alg pkix.AlgorithmIdentifier
	if rest, err := asn1.Unmarshal(fields[1].Raw, &alg); err != nil || len(rest) > 0 {
		return nil, errors.New("bad hashAlgorithm")
	}
	if s.HashAlgorithm, err = cms.HashByOID(alg.Algorithm); err != nil {
		return nil, err
	}
	if !fields[2].Is(der.ClassUniversal, true, asn1.TagSequence) {
		return nil, errors.New("dataGroupHashValues is not a SEQUENCE")
	}
	entries, err := der.ReadAll(fields[2].Value)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		pair, err := der.ReadAll(e.Value)
		if err != nil || !e.Is(der.ClassUniversal, true, asn1.TagSequence) || len(pair) != 2 ||
			!pair[0].Is(der.ClassUniversal, false, asn1.TagInteger) || !pair[1].Is(der.ClassUniversal, false, asn1.TagOctetString) {
			return nil, errors.New("DataGroupHash is not {INTEGER, OCTET STRING}")
		}
		n, err := der.Uint(pair[0].Value)
		if err != nil {
			return nil, err
		}
		if _, dup := s.DataGroupHashes[n]; dup {
			return nil, fmt.Errorf("data group %d listed twice", n)
		}
		if len(pair[1].Value) != s.HashAlgorithm.Size() {
			return nil, fmt.Errorf("data group %d hash has %d bytes, %v needs %d", n, len(pair[1].Value), s.HashAlgorithm, s.HashAlgorithm.Size())
		}
		s.DataGroupHashes[n] = pair[1].Value
	}
	return s, nil
}
