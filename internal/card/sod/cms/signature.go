package cms

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

// ErrSignature is wrapped when a signature does not verify, as opposed to a signature
// that cannot be checked at all (unsupported algorithm or key).
var ErrSignature = errors.New("cms: signature does not verify")

type pssParameters struct {
	Hash         pkix.AlgorithmIdentifier `asn1:"optional,explicit,tag:0"`
	MGF          pkix.AlgorithmIdentifier `asn1:"optional,explicit,tag:1"`
	SaltLength   int                      `asn1:"optional,explicit,tag:2,default:20"`
	TrailerField int                      `asn1:"optional,explicit,tag:3,default:1"`
}

// VerifySignature checks sig over msg under pub. alg is the signature algorithm
// identifier; digest is the hash to use when alg does not name one (rsaEncryption or
// id-ecPublicKey as a signature algorithm, as many document signers write it).
func VerifySignature(pub crypto.PublicKey, alg pkix.AlgorithmIdentifier, digest crypto.Hash, msg, sig []byte) error {
	sa, ok := sigByOID[alg.Algorithm.String()]
	if !ok {
		return fmt.Errorf("cms: unsupported signature algorithm %s", alg.Algorithm)
	}
	h := sa.hash
	var pss pssParameters
	if sa.scheme == schemePSS {
		var err error
		if pss, err = parsePSS(alg); err != nil {
			return err
		}
		h, _ = HashByOID(pss.Hash.Algorithm)
	}
	if h == 0 {
		h = digest
	}
	if h == 0 || !h.Available() {
		return fmt.Errorf("cms: no usable hash for signature algorithm %s", alg.Algorithm)
	}
	hh := h.New()
	hh.Write(msg)
	sum := hh.Sum(nil)
	return verifyDigest(pub, sa.scheme, h, pss, sum, sig)
}

func parsePSS(alg pkix.AlgorithmIdentifier) (pssParameters, error) {
	p := pssParameters{SaltLength: 20, TrailerField: 1}
	if len(alg.Parameters.FullBytes) > 0 && alg.Parameters.Tag != asn1.TagNull {
		if rest, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil || len(rest) > 0 {
			return p, fmt.Errorf("cms: bad RSASSA-PSS parameters: %v", err)
		}
	}
	if p.Hash.Algorithm == nil {
		p.Hash.Algorithm = OIDSHA1
	}
	if _, err := HashByOID(p.Hash.Algorithm); err != nil {
		return p, err
	}
	if p.MGF.Algorithm != nil {
		var mgfHash pkix.AlgorithmIdentifier
		if !p.MGF.Algorithm.Equal(OIDMGF1) {
			return p, fmt.Errorf("cms: unsupported PSS mask generation %s", p.MGF.Algorithm)
		}
		if _, err := asn1.Unmarshal(p.MGF.Parameters.FullBytes, &mgfHash); err != nil || !mgfHash.Algorithm.Equal(p.Hash.Algorithm) {
			return p, errors.New("cms: PSS with a different MGF1 hash is not supported")
		}
	}
	if p.TrailerField != 1 || p.SaltLength < 0 {
		return p, errors.New("cms: bad RSASSA-PSS trailer or salt length")
	}
	return p, nil
}

func verifyDigest(pub crypto.PublicKey, scheme sigScheme, h crypto.Hash, pss pssParameters, sum, sig []byte) error {
	var err error
	switch k := pub.(type) {
	case *rsa.PublicKey:
		switch scheme {
		case schemePKCS1:
			err = rsa.VerifyPKCS1v15(k, h, sum, sig)
		case schemePSS:
			err = rsa.VerifyPSS(k, h, sum, sig, &rsa.PSSOptions{SaltLength: pss.SaltLength, Hash: h})
		default:
			return errors.New("cms: RSA key with an EC signature algorithm")
		}
	case *ecdsa.PublicKey, *ExplicitECKey:
		r, s, perr := ecdsaRS(scheme, sig)
		if perr != nil {
			return perr
		}
		var ok bool
		if ek, isStd := k.(*ecdsa.PublicKey); isStd {
			ok = ecdsa.Verify(ek, sum, r, s)
		} else {
			ok = k.(*ExplicitECKey).Verify(sum, r, s)
		}
		if !ok {
			err = errors.New("ecdsa: verification error")
		}
	default:
		return fmt.Errorf("cms: unsupported public key type %T", pub)
	}
	if err != nil {
		return fmt.Errorf("%w (%v)", ErrSignature, err)
	}
	return nil
}

func ecdsaRS(scheme sigScheme, sig []byte) (*big.Int, *big.Int, error) {
	switch scheme {
	case schemeECDSA:
		var v struct{ R, S *big.Int }
		if rest, err := asn1.Unmarshal(sig, &v); err != nil || len(rest) > 0 {
			return nil, nil, fmt.Errorf("%w (bad ECDSA signature encoding)", ErrSignature)
		}
		return v.R, v.S, nil
	case schemeECDSAPlain:
		if len(sig) == 0 || len(sig)%2 != 0 {
			return nil, nil, fmt.Errorf("%w (bad plain ECDSA signature length)", ErrSignature)
		}
		n := len(sig) / 2
		return new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:]), nil
	}
	return nil, nil, errors.New("cms: EC key with an RSA signature algorithm")
}
