package bac

import (
	"bytes"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"

	"github.com/sportello/sportello/internal/card/iso7816"
	"github.com/sportello/sportello/internal/card/sm"
)

// ErrAuthFailed means the chip or the reader did not prove knowledge of the
// MRZ key: usually a mistyped document number or date.
var ErrAuthFailed = errors.New("bac: mutual authentication failed (wrong MRZ key?)")

type keys struct {
	enc cipher.Block
	mac []byte
}

func deriveKeys(k Key) (keys, error) {
	seed := k.Seed()
	b, err := sm.NewBlock(sm.TDES, sm.KDF(sm.TDES, seed, sm.KDFEnc))
	if err != nil {
		return keys{}, err
	}
	return keys{enc: b, mac: sm.KDF(sm.TDES, seed, sm.KDFMAC)}, nil
}

// seal is E_IFD || M_IFD (or E_IC || M_IC) of the mutual authentication.
func (k keys) seal(plain []byte) ([]byte, error) {
	e := sm.EncryptCBC(k.enc, nil, plain)
	m, err := sm.MAC(sm.TDES, k.mac, sm.Pad(e, 8))
	if err != nil {
		return nil, err
	}
	return append(e, m...), nil
}

func (k keys) open(sealed []byte) ([]byte, error) {
	if len(sealed) != 40 {
		return nil, fmt.Errorf("bac: cryptogram of %d bytes, want 40", len(sealed))
	}
	e, m := sealed[:32], sealed[32:]
	want, err := sm.MAC(sm.TDES, k.mac, sm.Pad(e, 8))
	if err != nil {
		return nil, err
	}
	if !sm.Equal(m, want) {
		return nil, ErrAuthFailed
	}
	return sm.DecryptCBC(k.enc, nil, e)
}

// sessionFrom derives the session keys from K_IFD xor K_IC and the SSC from the
// low halves of the two nonces (ICAO 9303-11 §9.8.2).
func sessionFrom(kifd, kic, rndIC, rndIFD []byte) (*sm.Session, error) {
	seed := make([]byte, 16)
	for i := range seed {
		seed[i] = kifd[i] ^ kic[i]
	}
	ssc := append(append([]byte(nil), rndIC[4:8]...), rndIFD[4:8]...)
	return sm.NewSession(sm.TDES, sm.KDF(sm.TDES, seed, sm.KDFEnc), sm.KDF(sm.TDES, seed, sm.KDFMAC), ssc)
}

// Authenticate runs BAC with the chip (the eMRTD application must be selected)
// and returns the secure messaging session. rnd supplies RND.IFD and K.IFD.
func Authenticate(t iso7816.Transceiver, k Key, rnd io.Reader) (*sm.Session, error) {
	if err := k.Validate(); err != nil {
		return nil, err
	}
	ks, err := deriveKeys(k)
	if err != nil {
		return nil, err
	}
	r, err := iso7816.Send(t, iso7816.Command{INS: 0x84, Ne: 8})
	if err != nil {
		return nil, err
	}
	if err := r.Err("GET CHALLENGE"); err != nil {
		return nil, err
	}
	if len(r.Data) != 8 {
		return nil, fmt.Errorf("bac: challenge of %d bytes", len(r.Data))
	}
	rndIC := r.Data
	own := make([]byte, 24)
	if _, err := io.ReadFull(rnd, own); err != nil {
		return nil, err
	}
	rndIFD, kifd := own[:8], own[8:]
	s := append(append(append([]byte(nil), rndIFD...), rndIC...), kifd...)
	cmdData, err := ks.seal(s)
	if err != nil {
		return nil, err
	}
	r, err = iso7816.Send(t, iso7816.Command{INS: 0x82, Data: cmdData, Ne: 40})
	if err != nil {
		return nil, err
	}
	if r.SW == iso7816.SWVerificationFailed || r.SW == iso7816.SWSecurityNotSatisfied {
		return nil, ErrAuthFailed
	}
	if err := r.Err("EXTERNAL AUTHENTICATE"); err != nil {
		return nil, err
	}
	plain, err := ks.open(r.Data)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(plain[:8], rndIC) || !bytes.Equal(plain[8:16], rndIFD) {
		return nil, ErrAuthFailed
	}
	return sessionFrom(kifd, plain[16:32], rndIC, rndIFD)
}

// Chip is the card side of BAC, for the simulated CIE.
type Chip struct {
	keys  keys
	rndIC []byte
}

// NewChip prepares the card side for one document.
func NewChip(k Key) (*Chip, error) {
	ks, err := deriveKeys(k)
	if err != nil {
		return nil, err
	}
	return &Chip{keys: ks}, nil
}

// Challenge answers GET CHALLENGE with a fresh RND.IC.
func (c *Chip) Challenge(rnd io.Reader) ([]byte, error) {
	c.rndIC = make([]byte, 8)
	if _, err := io.ReadFull(rnd, c.rndIC); err != nil {
		return nil, err
	}
	return append([]byte(nil), c.rndIC...), nil
}

// ExternalAuthenticate checks the reader's cryptogram and answers with the
// chip's, returning the session both sides now share. A challenge is used once.
func (c *Chip) ExternalAuthenticate(data []byte, rnd io.Reader) ([]byte, *sm.Session, error) {
	rndIC := c.rndIC
	c.rndIC = nil
	if rndIC == nil {
		return nil, nil, errors.New("bac: no challenge outstanding")
	}
	plain, err := c.keys.open(data)
	if err != nil {
		return nil, nil, err
	}
	if !bytes.Equal(plain[8:16], rndIC) {
		return nil, nil, ErrAuthFailed
	}
	rndIFD, kifd := plain[:8], plain[16:32]
	kic := make([]byte, 16)
	if _, err := io.ReadFull(rnd, kic); err != nil {
		return nil, nil, err
	}
	r := append(append(append([]byte(nil), rndIC...), rndIFD...), kic...)
	sealed, err := c.keys.seal(r)
	if err != nil {
		return nil, nil, err
	}
	s, err := sessionFrom(kifd, kic, rndIC, rndIFD)
	return sealed, s, err
}
