// Package nis verifies, on the server, that a NIS (the CIE's 12-digit service number
// used as a badge) comes from a genuine card: the IAS EF.SOD passes passive
// authentication against the CSCA, it holds the hashes of the NIS (0xA1) and of the
// internal-authentication public key Kpub (0xA5), and the card signed a fresh
// challenge with the private key of that Kpub. Written here because the official NIS
// SDKs are unmaintained and skipped some of these checks.
package nis

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/card/sod"
	"github.com/sportello/sportello/internal/card/sod/der"
	"github.com/sportello/sportello/internal/card/trust"
)

// Data group numbers of the IAS EF.SOD.
const (
	DataGroupNIS  = 0xA1 // EF.ID_Servizi
	DataGroupKpub = 0xA5 // EF.Servizi_Int.Kpub
)

// Step names specific to the NIS check; the passive authentication steps keep the
// names package sod gives them.
const (
	StepChallenge = "challenge"
	StepNIS       = "nis"
	StepKpub      = "kpub"
	StepSOD       = "sod"
	StepSignature = "internalAuthentication"
)

// Proof is what a reader or a phone sends: the files read from the card, the challenge
// it was given and the card's answer.
type Proof struct {
	NIS       []byte `json:"nis"`       // EF.ID_Servizi: 12 ASCII digits
	Kpub      []byte `json:"kpub"`      // EF.Servizi_Int.Kpub, possibly with padding after the key
	SOD       []byte `json:"sod"`       // the IAS EF.SOD
	Challenge []byte `json:"challenge"` // as issued by the Challenger
	Signature []byte `json:"signature"` // the card's INTERNAL AUTHENTICATE answer
}

// Result says whether the NIS is genuine. KeyHash is the hex SHA-256 of Kpub (its DER
// element only): with the NIS it is what enrolment stores, so a later access needs only
// a challenge and a lookup.
type Result struct {
	OK      bool       `json:"ok"`
	Reason  string     `json:"reason,omitempty"`
	NIS     string     `json:"nis"`
	KeyHash string     `json:"kpub_sha256,omitempty"`
	Steps   []sod.Step `json:"steps"`
}

func (r *Result) add(name string, err error, okDetail string) {
	s := sod.Step{Name: name, OK: err == nil, Detail: okDetail}
	if err != nil {
		s.Detail = err.Error()
		if r.Reason == "" {
			r.Reason = name + ": " + s.Detail
		}
	}
	r.Steps = append(r.Steps, s)
}

// Verify checks a proof. The challenge is redeemed first, so a replayed proof fails
// even if everything else is right. at is used for validity when the SOD has no
// signingTime. It returns an error only when ts or ch is missing.
func Verify(p Proof, ts *trust.Store, ch *Challenger, at time.Time) (*Result, error) {
	if ts == nil || ch == nil {
		return nil, errors.New("nis: Verify needs a trust store and a challenger")
	}
	r := &Result{NIS: string(p.NIS)}
	var err error
	if len(p.Challenge) < MinChallengeSize {
		err = fmt.Errorf("challenge of %d bytes, want at least %d", len(p.Challenge), MinChallengeSize)
	} else {
		err = ch.Redeem(p.Challenge)
	}
	r.add(StepChallenge, err, "fresh and unused")
	r.add(StepNIS, checkNIS(p.NIS), "12 digits")

	key, elem, err := ParseKpub(p.Kpub)
	if err == nil {
		sum := sha256.Sum256(elem)
		r.KeyHash = hex.EncodeToString(sum[:])
	}
	r.add(StepKpub, err, "RSA public key")

	rep, err := sod.Verify(p.SOD, map[int][]byte{DataGroupNIS: p.NIS, DataGroupKpub: elem}, ts, at)
	if err != nil {
		r.add(StepSOD, err, "")
	} else {
		for _, s := range rep.Steps {
			switch s.Name {
			case sod.StepDataGroup(DataGroupNIS):
				s.Name = "nisHash"
			case sod.StepDataGroup(DataGroupKpub):
				s.Name = "kpubHash"
			}
			var serr error
			if !s.OK {
				serr = errors.New(s.Detail)
			}
			r.add(s.Name, serr, s.Detail)
		}
	}

	if key == nil {
		err = errors.New("not checked: no usable Kpub")
	} else {
		err = VerifyInternalAuth(key, p.Challenge, p.Signature)
	}
	r.add(StepSignature, err, "the card signed the challenge with the key in the SOD")
	r.OK = r.Reason == ""
	return r, nil
}

func checkNIS(nis []byte) error {
	if len(nis) != 12 {
		return fmt.Errorf("NIS has %d characters, want 12 digits", len(nis))
	}
	for _, c := range nis {
		if c < '0' || c > '9' {
			return errors.New("NIS is not all digits")
		}
	}
	return nil
}

// ParseKpub reads EF.Servizi_Int.Kpub: an RSA key as PKCS#1 RSAPublicKey or
// SubjectPublicKeyInfo, followed by whatever padding the file holds. It returns the
// key and the DER element the IAS SOD hashes.
func ParseKpub(file []byte) (*rsa.PublicKey, []byte, error) {
	e, _, err := der.Read(file)
	if err != nil || !e.Is(der.ClassUniversal, true, asn1.TagSequence) {
		return nil, nil, errors.New("Kpub does not start with a DER SEQUENCE")
	}
	if k, err := x509.ParsePKCS1PublicKey(e.Raw); err == nil {
		return k, e.Raw, nil
	}
	pub, err := x509.ParsePKIXPublicKey(e.Raw)
	if err != nil {
		return nil, e.Raw, fmt.Errorf("Kpub is not an RSA public key: %v", err)
	}
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, e.Raw, fmt.Errorf("Kpub is a %T, not RSA", pub)
	}
	return k, e.Raw, nil
}

// VerifyInternalAuth checks the card's answer to INTERNAL AUTHENTICATE: a PKCS#1 v1.5
// type 1 signature over the bare challenge (no DigestInfo).
func VerifyInternalAuth(key *rsa.PublicKey, challenge, sig []byte) error {
	if len(challenge) < MinChallengeSize {
		return fmt.Errorf("challenge of %d bytes, want at least %d", len(challenge), MinChallengeSize)
	}
	if err := rsa.VerifyPKCS1v15(key, crypto.Hash(0), challenge, sig); err != nil {
		return fmt.Errorf("signature of the challenge does not verify under Kpub: %v", err)
	}
	return nil
}
