package nis

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// KeyHash returns the hex SHA-256 of the key element of an EF.Servizi_Int.Kpub file,
// the value enrolment stores beside the NIS.
func KeyHash(kpubFile []byte) (string, error) {
	_, elem, err := ParseKpub(kpubFile)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(elem)
	return hex.EncodeToString(sum[:]), nil
}

// VerifyAccess is the check at each badge swipe for a card already enrolled (whose
// SOD was verified once by Verify): the challenge is fresh, and the card signed it
// with the key whose hash is returned. The caller then looks up {NIS, key hash}; a
// cloned NIS fails there, because the clone cannot sign under the enrolled key.
func VerifyAccess(p Proof, ch *Challenger) (keyHash string, err error) {
	if ch == nil {
		return "", fmt.Errorf("nis: VerifyAccess needs a challenger")
	}
	if err := checkNIS(p.NIS); err != nil {
		return "", err
	}
	if len(p.Challenge) < MinChallengeSize {
		return "", fmt.Errorf("nis: challenge of %d bytes, want at least %d", len(p.Challenge), MinChallengeSize)
	}
	if err := ch.Redeem(p.Challenge); err != nil {
		return "", err
	}
	key, elem, err := ParseKpub(p.Kpub)
	if err != nil {
		return "", err
	}
	if err := VerifyInternalAuth(key, p.Challenge, p.Signature); err != nil {
		return "", err
	}
	sum := sha256.Sum256(elem)
	return hex.EncodeToString(sum[:]), nil
}
