package cms

import (
	"crypto"
	_ "crypto/sha1" // registers SHA-1 for crypto.Hash.New: older SODs and IAS signatures use it
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/asn1"
	"fmt"
)

// Object identifiers this package recognises, exported so fixtures and callers build
// the same structures they check.
var (
	OIDData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	OIDSignedData    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	OIDContentType   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	OIDMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	OIDSigningTime   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}

	OIDRSAEncryption = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	OIDRSAPSS        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	OIDMGF1          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}
	OIDECPublicKey   = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	OIDPrimeField    = asn1.ObjectIdentifier{1, 2, 840, 10045, 1, 1}

	OIDSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	OIDSHA224 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 4}
	OIDSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	OIDSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	OIDSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
)

type sigScheme int

const (
	schemePKCS1 sigScheme = iota + 1
	schemePSS
	schemeECDSA      // X9.62 DER SEQUENCE {r, s}
	schemeECDSAPlain // BSI TR-03111 r||s, used by some European signers
)

// sigAlgorithm is what a signature algorithm identifier tells: the scheme, and the hash
// when the identifier fixes it (0 when the digest algorithm must say it).
type sigAlgorithm struct {
	scheme sigScheme
	hash   crypto.Hash
}

var hashByOID = map[string]crypto.Hash{
	OIDSHA1.String():   crypto.SHA1,
	OIDSHA224.String(): crypto.SHA224,
	OIDSHA256.String(): crypto.SHA256,
	OIDSHA384.String(): crypto.SHA384,
	OIDSHA512.String(): crypto.SHA512,
}

var sigByOID = map[string]sigAlgorithm{
	OIDRSAEncryption.String(): {schemePKCS1, 0},
	"1.2.840.113549.1.1.5":    {schemePKCS1, crypto.SHA1},
	"1.2.840.113549.1.1.14":   {schemePKCS1, crypto.SHA224},
	"1.2.840.113549.1.1.11":   {schemePKCS1, crypto.SHA256},
	"1.2.840.113549.1.1.12":   {schemePKCS1, crypto.SHA384},
	"1.2.840.113549.1.1.13":   {schemePKCS1, crypto.SHA512},
	OIDRSAPSS.String():        {schemePSS, 0},
	OIDECPublicKey.String():   {schemeECDSA, 0},
	"1.2.840.10045.4.1":       {schemeECDSA, crypto.SHA1},
	"1.2.840.10045.4.3.1":     {schemeECDSA, crypto.SHA224},
	"1.2.840.10045.4.3.2":     {schemeECDSA, crypto.SHA256},
	"1.2.840.10045.4.3.3":     {schemeECDSA, crypto.SHA384},
	"1.2.840.10045.4.3.4":     {schemeECDSA, crypto.SHA512},
	"0.4.0.127.0.7.1.1.4.1.1": {schemeECDSAPlain, crypto.SHA1},
	"0.4.0.127.0.7.1.1.4.1.2": {schemeECDSAPlain, crypto.SHA224},
	"0.4.0.127.0.7.1.1.4.1.3": {schemeECDSAPlain, crypto.SHA256},
	"0.4.0.127.0.7.1.1.4.1.4": {schemeECDSAPlain, crypto.SHA384},
	"0.4.0.127.0.7.1.1.4.1.5": {schemeECDSAPlain, crypto.SHA512},
}

// HashByOID maps a digest algorithm identifier to its hash, so callers can hash data
// groups with the algorithm a security object names.
func HashByOID(oid asn1.ObjectIdentifier) (crypto.Hash, error) {
	if h, ok := hashByOID[oid.String()]; ok {
		return h, nil
	}
	return 0, fmt.Errorf("cms: unsupported digest algorithm %s", oid)
}

// OIDByHash is the inverse of HashByOID, for building structures.
func OIDByHash(h crypto.Hash) (asn1.ObjectIdentifier, error) {
	for s, hh := range hashByOID {
		if hh == h {
			return parseOID(s), nil
		}
	}
	return nil, fmt.Errorf("cms: unsupported hash %v", h)
}

func parseOID(s string) asn1.ObjectIdentifier {
	var oid asn1.ObjectIdentifier
	n := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			oid = append(oid, n)
			n = 0
			continue
		}
		n = n*10 + int(s[i]-'0')
	}
	return oid
}
