package cardtest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/sportello/sportello/internal/card/sod/cms"
)

// OIDLDSSecurityObject is the eContentType of an eMRTD EF.SOD.
var OIDLDSSecurityObject = asn1.ObjectIdentifier{2, 23, 136, 1, 1, 1}

// Data group numbers the IAS EF.SOD uses for the NIS (EF.ID_Servizi) and its key.
const (
	IASNIS  = 0xA1
	IASKpub = 0xA5
)

// SignOption changes how one security object is signed, mostly to break it.
type SignOption func(*signConfig)

type signConfig struct {
	hash          crypto.Hash
	pss           bool
	expired       bool
	wrongUsage    bool
	untrusted     bool
	byOldCSCA     bool
	signingTime   *time.Time
	noSigningTime bool
	tamperAttrs   bool
}

// Hash selects the digest for the data group hashes and the signature (SHA-256 by default).
func Hash(h crypto.Hash) SignOption { return func(c *signConfig) { c.hash = h } }

// PSS signs with RSASSA-PSS instead of PKCS#1 v1.5 (RSA document signers only).
func PSS() SignOption { return func(c *signConfig) { c.pss = true } }

// ExpiredSigner signs with a document signer certificate that expired a year ago.
func ExpiredSigner() SignOption { return func(c *signConfig) { c.expired = true } }

// WrongKeyUsage signs with a document signer certificate allowing only key encipherment.
func WrongKeyUsage() SignOption { return func(c *signConfig) { c.wrongUsage = true } }

// UntrustedSigner signs with a certificate from a rogue CA that copies the real CSCA's
// name and key identifier, so only the signature check can catch it.
func UntrustedSigner() SignOption { return func(c *signConfig) { c.untrusted = true } }

// SignedByOldCSCA issues the document signer from the previous CSCA generation.
func SignedByOldCSCA() SignOption { return func(c *signConfig) { c.byOldCSCA = true } }

// SigningTime sets the signingTime attribute (the current time by default).
func SigningTime(t time.Time) SignOption { return func(c *signConfig) { c.signingTime = &t } }

// NoSigningTime leaves the signingTime attribute out, as some issuers do.
func NoSigningTime() SignOption { return func(c *signConfig) { c.noSigningTime = true } }

// TamperSignedAttrs changes the signingTime after signing, so the digest still matches
// but the signature does not.
func TamperSignedAttrs() SignOption { return func(c *signConfig) { c.tamperAttrs = true } }

// EMRTDSOD builds an eMRTD EF.SOD (with its 0x77 tag) over the data groups, keyed by number.
func (p *PKI) EMRTDSOD(dgs map[int][]byte, opts ...SignOption) ([]byte, error) {
	return p.securityObject(dgs, opts)
}

// IASSOD builds the IAS EF.SOD over the NIS and the public key file, hashing only the
// DER element at the start of kpubDER as the card does.
func (p *PKI) IASSOD(nis, kpubDER []byte, opts ...SignOption) ([]byte, error) {
	var kp asn1.RawValue
	if _, err := asn1.Unmarshal(kpubDER, &kp); err != nil {
		return nil, fmt.Errorf("cardtest: Kpub is not DER: %w", err)
	}
	return p.securityObject(map[int][]byte{IASNIS: nis, IASKpub: kp.FullBytes}, opts)
}

type dataGroupHash struct {
	Number int
	Hash   []byte
}

type ldsSecurityObject struct {
	Version       int
	HashAlgorithm pkix.AlgorithmIdentifier
	Hashes        []dataGroupHash
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values []asn1.RawValue `asn1:"set"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial asn1.RawValue
}

type signerInfo struct {
	Version            int
	SID                issuerAndSerial
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
	EContent     []byte `asn1:"explicit,tag:0"`
}

type signedDataASN1 struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	Encap            encapContentInfo
	Certificates     asn1.RawValue
	SignerInfos      []signerInfo `asn1:"set"`
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue // [0] EXPLICIT, built by hand: asn1 ignores tags on raw values
}

func (p *PKI) securityObject(dgs map[int][]byte, opts []SignOption) ([]byte, error) {
	cfg := newSignConfig(opts)
	hashOID, err := cms.OIDByHash(cfg.hash)
	if err != nil {
		return nil, err
	}
	lds := ldsSecurityObject{HashAlgorithm: pkix.AlgorithmIdentifier{Algorithm: hashOID}}
	nums := make([]int, 0, len(dgs))
	for n := range dgs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for _, n := range nums {
		h := cfg.hash.New()
		h.Write(dgs[n])
		lds.Hashes = append(lds.Hashes, dataGroupHash{n, h.Sum(nil)})
	}
	content, err := asn1.Marshal(lds)
	if err != nil {
		return nil, err
	}
	ds, err := p.signerFor(cfg)
	if err != nil {
		return nil, err
	}
	ci, err := signedData(OIDLDSSecurityObject, content, ds, p.dsKey, cfg)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(asn1.RawValue{Class: asn1.ClassApplication, Tag: 23, IsCompound: true, Bytes: ci})
}

func newSignConfig(opts []SignOption) signConfig {
	cfg := signConfig{hash: crypto.SHA256}
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// signedData builds a ContentInfo holding a SignedData over content, signed by key
// whose certificate is signer.
func signedData(contentType asn1.ObjectIdentifier, content []byte, signer *x509.Certificate, key crypto.Signer, cfg signConfig) ([]byte, error) {
	hashOID, err := cms.OIDByHash(cfg.hash)
	if err != nil {
		return nil, err
	}
	hashAlg := pkix.AlgorithmIdentifier{Algorithm: hashOID}
	attrs, err := signedAttributes(contentType, content, cfg)
	if err != nil {
		return nil, err
	}
	sigAlg, sig, err := sign(key, attrs, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.tamperAttrs {
		// The last digit of the UTCTime seconds: still a valid time, no longer what was signed.
		oid, _ := asn1.Marshal(cms.OIDSigningTime)
		i := bytes.Index(attrs, oid)
		// OID, SET header (2), UTCTime header (2), YYMMDDHHMMSS: the 12th character.
		if i < 0 || i+len(oid)+4+12 > len(attrs) {
			return nil, errors.New("cardtest: no signingTime to tamper with")
		}
		attrs[i+len(oid)+4+11] ^= 0x01
	}
	implicit := append([]byte{0xA0}, attrs[1:]...)
	var serialRaw asn1.RawValue
	serialDER, _ := asn1.Marshal(signer.SerialNumber)
	if _, err := asn1.Unmarshal(serialDER, &serialRaw); err != nil {
		return nil, err
	}
	sd := signedDataASN1{
		Version:          3,
		DigestAlgorithms: []pkix.AlgorithmIdentifier{hashAlg},
		Encap:            encapContentInfo{contentType, content},
		Certificates:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: signer.Raw},
		SignerInfos: []signerInfo{{
			Version:            1,
			SID:                issuerAndSerial{asn1.RawValue{FullBytes: signer.RawIssuer}, serialRaw},
			DigestAlgorithm:    hashAlg,
			SignedAttrs:        asn1.RawValue{FullBytes: implicit},
			SignatureAlgorithm: sigAlg,
			Signature:          sig,
		}},
	}
	sdDER, err := asn1.Marshal(sd)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(contentInfo{cms.OIDSignedData, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: sdDER}})
}

// signerFor returns the document signer certificate the options ask for; all share
// the one document signer key.
func (p *PKI) signerFor(cfg signConfig) (*x509.Certificate, error) {
	year := 365 * 24 * time.Hour
	from, to, usage := p.now.Add(-year), p.now.Add(year), x509.KeyUsageDigitalSignature
	parent, parentKey := p.CSCA, p.cscaKey
	switch {
	case !cfg.expired && !cfg.wrongUsage && !cfg.untrusted && !cfg.byOldCSCA:
		return p.DS, nil
	case cfg.untrusted:
		rogueKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		rogue := caTemplate(p.CSCA.Subject.CommonName, rogueKey.Public(), p.CSCA.NotBefore, p.CSCA.NotAfter)
		rogue.SubjectKeyId = p.CSCA.SubjectKeyId
		parent, parentKey = rogue, rogueKey
	case cfg.byOldCSCA:
		parent, parentKey = p.OldCSCA, p.oldKey
	}
	if cfg.expired {
		from, to = p.now.Add(-3*year), p.now.Add(-year)
	}
	if cfg.wrongUsage {
		usage = x509.KeyUsageKeyEncipherment
	}
	return p.documentSigner(parent, parentKey, from, to, usage)
}

func signedAttributes(contentType asn1.ObjectIdentifier, content []byte, cfg signConfig) ([]byte, error) {
	h := cfg.hash.New()
	h.Write(content)
	values := []struct {
		oid asn1.ObjectIdentifier
		v   any
	}{
		{cms.OIDContentType, contentType},
		{cms.OIDMessageDigest, h.Sum(nil)},
	}
	if !cfg.noSigningTime {
		t := time.Now().UTC().Truncate(time.Second)
		if cfg.signingTime != nil {
			t = cfg.signingTime.UTC()
		}
		values = append(values, struct {
			oid asn1.ObjectIdentifier
			v   any
		}{cms.OIDSigningTime, t})
	}
	var encs [][]byte
	for _, a := range values {
		vb, err := asn1.Marshal(a.v)
		if err != nil {
			return nil, err
		}
		enc, err := asn1.Marshal(attribute{a.oid, []asn1.RawValue{{FullBytes: vb}}})
		if err != nil {
			return nil, err
		}
		encs = append(encs, enc)
	}
	// DER orders SET OF members by their encodings.
	sort.Slice(encs, func(i, j int) bool { return bytes.Compare(encs[i], encs[j]) < 0 })
	body := bytes.Join(encs, nil)
	return asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: body})
}

func sign(key crypto.Signer, msg []byte, cfg signConfig) (pkix.AlgorithmIdentifier, []byte, error) {
	h := cfg.hash.New()
	h.Write(msg)
	digest := h.Sum(nil)
	switch key.(type) {
	case *rsa.PrivateKey:
		if cfg.pss {
			params, err := pssParams(cfg.hash)
			if err != nil {
				return pkix.AlgorithmIdentifier{}, nil, err
			}
			sig, err := key.Sign(rand.Reader, digest, &rsa.PSSOptions{SaltLength: cfg.hash.Size(), Hash: cfg.hash})
			return pkix.AlgorithmIdentifier{Algorithm: cms.OIDRSAPSS, Parameters: params}, sig, err
		}
		sig, err := key.Sign(rand.Reader, digest, cfg.hash)
		return pkix.AlgorithmIdentifier{Algorithm: cms.OIDRSAEncryption, Parameters: asn1.NullRawValue}, sig, err
	default:
		sig, err := key.Sign(rand.Reader, digest, cfg.hash)
		return pkix.AlgorithmIdentifier{Algorithm: cms.OIDECPublicKey}, sig, err
	}
}

func pssParams(h crypto.Hash) (asn1.RawValue, error) {
	oid, err := cms.OIDByHash(h)
	if err != nil {
		return asn1.RawValue{}, err
	}
	hashAlg := pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.NullRawValue}
	hashDER, err := asn1.Marshal(hashAlg)
	if err != nil {
		return asn1.RawValue{}, err
	}
	params := struct {
		Hash       pkix.AlgorithmIdentifier `asn1:"explicit,tag:0"`
		MGF        pkix.AlgorithmIdentifier `asn1:"explicit,tag:1"`
		SaltLength int                      `asn1:"explicit,tag:2"`
	}{hashAlg, pkix.AlgorithmIdentifier{Algorithm: cms.OIDMGF1, Parameters: asn1.RawValue{FullBytes: hashDER}}, h.Size()}
	b, err := asn1.Marshal(params)
	if err != nil {
		return asn1.RawValue{}, err
	}
	return asn1.RawValue{FullBytes: b}, nil
}
