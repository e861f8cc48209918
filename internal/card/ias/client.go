package ias

import (
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"

	"github.com/sportello/sportello/internal/card/iso7816"
)

// Application identifiers (CIE "accessi pinless" manual).
var (
	AIDIAS = []byte{0xA0, 0x00, 0x00, 0x00, 0x30, 0x80, 0x00, 0x00, 0x00, 0x09, 0x81, 0x60, 0x01}
	AIDCIE = []byte{0xA0, 0x00, 0x00, 0x00, 0x00, 0x39}
)

// Short file identifiers in the CIE application: EF.ID_Servizi (1001),
// EF.Servizi_Int.Kpub (1005), EF.SOD (1006).
const (
	SFINIS  byte = 0x01
	SFIKpub byte = 0x05
	SFISOD  byte = 0x06
)

// Hash tags under which the IAS EF.SOD lists the NIS and the key.
const (
	SODTagNIS  = 0xA1
	SODTagKpub = 0xA5
)

// MinChallenge is the shortest challenge we let the card sign: shorter ones
// make a recorded answer likely to be replayable.
const MinChallenge = 16

// ChallengeLen is the challenge length Read uses.
const ChallengeLen = 32

// maxFile bounds what we read from one EF (the IAS SOD is a few KB).
const maxFile = 64 << 10

// Select selects the IAS application and, inside it, the CIE application.
func Select(t iso7816.Transceiver) error {
	for _, aid := range [][]byte{AIDIAS, AIDCIE} {
		r, err := iso7816.Send(t, iso7816.Command{INS: 0xA4, P1: 0x04, P2: 0x0C, Data: aid})
		if err != nil {
			return err
		}
		if err := r.Err(fmt.Sprintf("SELECT %X", aid)); err != nil {
			return err
		}
	}
	return nil
}

// ReadNIS reads the 12-digit NIS with the exact APDU of the CIE manual.
func ReadNIS(t iso7816.Transceiver) (string, error) {
	r, err := iso7816.Send(t, iso7816.Command{INS: 0xB0, P1: 0x80 | SFINIS, Ne: 12})
	if err != nil {
		return "", err
	}
	if err := r.Err("READ NIS"); err != nil {
		return "", err
	}
	if err := ValidNIS(string(r.Data)); err != nil {
		return "", err
	}
	return string(r.Data), nil
}

// ValidNIS checks the NIS is 12 ASCII digits.
func ValidNIS(nis string) error {
	if len(nis) != 12 {
		return fmt.Errorf("ias: NIS of %d bytes, want 12 digits", len(nis))
	}
	for _, c := range []byte(nis) {
		if c < '0' || c > '9' {
			return fmt.Errorf("ias: NIS has byte %02X", c)
		}
	}
	return nil
}

// ReadKpub reads EF.Servizi_Int.Kpub and returns only the DER object its ASN.1
// header covers: the file may be longer, and the SOD hashes the DER alone.
func ReadKpub(t iso7816.Transceiver) ([]byte, error) { return readObject(t, SFIKpub) }

// ReadSOD reads the IAS EF.SOD (a CMS SignedData).
func ReadSOD(t iso7816.Transceiver) ([]byte, error) { return readObject(t, SFISOD) }

// readObject reads a file by short file identifier, as the official CIE SDKs
// do: READ BINARY 00 B0 8s oo while the offset fits P2 (the CIE answers at
// most 0xE7 bytes each), then READ BINARY 00 B1 00 0s with the offset in DO54.
// The first bytes give the object length; trailing file bytes are not read.
func readObject(t iso7816.Transceiver, sfi byte) ([]byte, error) {
	var data []byte
	total := -1
	for total < 0 || len(data) < total {
		off := len(data)
		chunk, err := readAt(t, sfi, off)
		if err != nil {
			return nil, err
		}
		if len(chunk) == 0 {
			return nil, fmt.Errorf("ias: file %d ends at %d bytes", sfi, off)
		}
		data = append(data, chunk...)
		if total < 0 {
			_, h, l, err := iso7816.ParseHeader(data)
			if err != nil {
				return nil, fmt.Errorf("ias: file %d header: %w", sfi, err)
			}
			if total = h + l; total > maxFile {
				return nil, fmt.Errorf("ias: file %d of %d bytes too large", sfi, total)
			}
		}
	}
	return data[:total], nil
}

// oddChunk is what one B1 read asks for: 0xE4 data bytes, the SDK's step.
const oddChunk = 0xE4

func readAt(t iso7816.Transceiver, sfi byte, off int) ([]byte, error) {
	if off > 0xFFFF {
		return nil, fmt.Errorf("ias: file %d too long", sfi)
	}
	c := iso7816.Command{INS: 0xB0, P1: 0x80 | sfi, P2: byte(off), Ne: iso7816.MaxShortNe}
	if off > 0xFF {
		c = iso7816.Command{INS: 0xB1, P2: sfi, Data: []byte{0x54, 0x02, byte(off >> 8), byte(off)}, Ne: oddChunk + 3}
	}
	r, err := iso7816.Send(t, c)
	if err != nil {
		return nil, err
	}
	if r.SW != iso7816.SWOK && r.SW != iso7816.SWWarningEOF {
		return nil, r.Err(fmt.Sprintf("READ BINARY SFI %d at %d", sfi, off))
	}
	if c.INS == 0xB0 {
		return r.Data, nil
	}
	v, ok := iso7816.Find(r.Data, 0x53)
	if !ok {
		return nil, fmt.Errorf("ias: READ BINARY (B1) of file %d answered without DO53", sfi)
	}
	return v, nil
}

// ParseKpub decodes the internal authentication key: PKCS#1 RSAPublicKey as
// the CIE stores it, or SubjectPublicKeyInfo.
func ParseKpub(der []byte) (*rsa.PublicKey, error) {
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("ias: Kpub is neither PKCS#1 nor SubjectPublicKeyInfo: %w", err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("ias: Kpub is %T, want RSA", k)
	}
	return rk, nil
}

// InternalAuthenticate has the card sign challenge with its internal
// authentication key (PKCS#1 v1.5 type 1, no DigestInfo). The card may answer
// 61xx; iso7816.Send fetches the rest with GET RESPONSE.
func InternalAuthenticate(t iso7816.Transceiver, challenge []byte) ([]byte, error) {
	if len(challenge) < MinChallenge {
		return nil, fmt.Errorf("ias: challenge of %d bytes, want at least %d", len(challenge), MinChallenge)
	}
	r, err := iso7816.Send(t, iso7816.Command{INS: 0x22, P1: 0x41, P2: 0xA4, Data: []byte{0x80, 0x01, 0x02, 0x84, 0x01, 0x83}})
	if err != nil {
		return nil, err
	}
	if err := r.Err("MSE:SET internal authentication key"); err != nil {
		return nil, err
	}
	r, err = iso7816.Send(t, iso7816.Command{INS: 0x88, Data: challenge, Ne: iso7816.MaxShortNe})
	if err != nil {
		return nil, err
	}
	if err := r.Err("INTERNAL AUTHENTICATE"); err != nil {
		return nil, err
	}
	return r.Data, nil
}

// ErrSignature means the card's answer to the challenge does not verify under
// Kpub: the NIS and key were copied to another chip, or the card is not genuine.
var ErrSignature = errors.New("ias: challenge signature does not verify under Kpub")

// VerifySignature checks the internal authentication answer.
func VerifySignature(pub *rsa.PublicKey, challenge, sig []byte) error {
	if err := rsa.VerifyPKCS1v15(pub, 0, challenge, sig); err != nil {
		return ErrSignature
	}
	return nil
}

// Badge is what the card gives as a badge, with the proof of presence.
type Badge struct {
	NIS       string
	Kpub      []byte // DER, exactly as the SOD hashes it
	PublicKey *rsa.PublicKey
	SOD       []byte
	Challenge []byte
	Signature []byte
}

// Read selects the CIE application, reads NIS, Kpub and SOD, and runs internal
// authentication with a fresh challenge from rnd (crypto/rand in production).
// The signature is verified here; the SOD (chain to the CSCA and the hashes of
// NIS and Kpub) is the caller's to verify with package nis.
func Read(t iso7816.Transceiver, rnd io.Reader) (*Badge, error) {
	challenge := make([]byte, ChallengeLen)
	if _, err := io.ReadFull(rnd, challenge); err != nil {
		return nil, err
	}
	return ReadChallenge(t, challenge)
}

// ReadChallenge is Read with a challenge issued elsewhere, such as a
// nis.Challenger that later refuses to accept the same answer twice. With
// ErrSignature the badge read so far is returned as well.
func ReadChallenge(t iso7816.Transceiver, challenge []byte) (*Badge, error) {
	if err := Select(t); err != nil {
		return nil, err
	}
	b := &Badge{Challenge: append([]byte(nil), challenge...)}
	var err error
	if b.NIS, err = ReadNIS(t); err != nil {
		return nil, err
	}
	if b.Kpub, err = ReadKpub(t); err != nil {
		return nil, err
	}
	if b.PublicKey, err = ParseKpub(b.Kpub); err != nil {
		return nil, err
	}
	if b.SOD, err = ReadSOD(t); err != nil {
		return nil, err
	}
	if b.Signature, err = InternalAuthenticate(t, b.Challenge); err != nil {
		return nil, err
	}
	// On a bad signature the badge is returned too: a verifier reports the
	// failure with the rest of its checks.
	if err := VerifySignature(b.PublicKey, b.Challenge, b.Signature); err != nil {
		return b, err
	}
	return b, nil
}
