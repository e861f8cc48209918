package pace

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"

	"github.com/sportello/sportello/internal/card/iso7816"
	"github.com/sportello/sportello/internal/card/sm"
)

// Chip is the card side of PACE generic mapping, for the simulated CIE. One
// Chip serves one card; any failed step resets it, as a real chip does.
type Chip struct {
	infos   []Info
	secrets map[byte][]byte

	info  Info
	pw    Password
	alg   sm.Alg
	g, gm group
	step  int
	s     *big.Int
	pk    []byte
	kmac  []byte
	sess  *sm.Session
	// pkIFDToken is the chip token, computed when the reader key arrives.
	pkIFDToken []byte
}

// NewChip serves the given PACEInfos with the given passwords (by reference).
func NewChip(infos []Info, secrets map[byte][]byte) *Chip {
	return &Chip{infos: infos, secrets: secrets}
}

// SetAT handles MSE:Set AT: it selects the protocol and the password.
func (c *Chip) SetAT(data []byte) error {
	c.step = 0
	oc, ok := iso7816.Find(data, 0x80)
	if !ok {
		return errors.New("pace: MSE:Set AT without protocol")
	}
	ref, ok := iso7816.Find(data, 0x83)
	if !ok || len(ref) != 1 {
		return errors.New("pace: MSE:Set AT without password reference")
	}
	secret, ok := c.secrets[ref[0]]
	if !ok {
		return fmt.Errorf("pace: password reference %d not available", ref[0])
	}
	var proto asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(append(append([]byte{0x06}, iso7816.EncodeLength(len(oc))...), oc...), &proto); err != nil {
		return fmt.Errorf("pace: MSE:Set AT protocol: %w", err)
	}
	param := -1
	if p, ok := iso7816.Find(data, 0x84); ok && len(p) == 1 {
		param = int(p[0])
	}
	for _, info := range c.infos {
		if !info.Protocol.Equal(proto) || (param >= 0 && info.ParameterID != param) {
			continue
		}
		g, alg, err := setup(info)
		if err != nil {
			return err
		}
		c.info, c.g, c.alg, c.step = info, g, alg, 1
		c.pw = Password{Ref: ref[0], Secret: secret}
		return nil
	}
	return fmt.Errorf("pace: protocol %v not offered", proto)
}

// GeneralAuthenticate handles one GENERAL AUTHENTICATE step; data is the
// command data (7C...). After the last step it returns the new session.
func (c *Chip) GeneralAuthenticate(data []byte, rnd io.Reader) ([]byte, *sm.Session, error) {
	resp, err := c.next(data, rnd)
	if err != nil {
		c.step = 0
		return nil, nil, err
	}
	if c.step == 5 {
		c.step = 0
		return resp, c.sess, nil
	}
	return resp, nil, nil
}

func (c *Chip) next(data []byte, rnd io.Reader) ([]byte, error) {
	inner, err := iso7816.Path(data, 0x7C)
	if err != nil {
		return nil, err
	}
	switch c.step {
	case 1:
		// One block, as the CIE does (8 bytes with 3DES).
		nonce := make([]byte, c.alg.BlockSize())
		if _, err := io.ReadFull(rnd, nonce); err != nil {
			return nil, err
		}
		nb, err := nonceBlock(c.alg, c.pw)
		if err != nil {
			return nil, err
		}
		c.s = toInt(nonce)
		c.step = 2
		return iso7816.Encode(0x7C, iso7816.Encode(0x80, sm.EncryptCBC(nb, nil, nonce))), nil
	case 2:
		pkMapIFD, ok := iso7816.Find(inner, 0x81)
		if !ok {
			return nil, errors.New("pace: mapping key missing")
		}
		skMap, err := newPrivateKey(c.g, rnd)
		if err != nil {
			return nil, err
		}
		pkMap := c.g.publicKey(skMap)
		if err := distinct(pkMap, pkMapIFD); err != nil {
			return nil, err
		}
		h, err := c.g.shared(skMap, pkMapIFD)
		if err != nil {
			return nil, err
		}
		if c.gm, err = c.g.mapped(c.s, h); err != nil {
			return nil, err
		}
		c.step = 3
		return iso7816.Encode(0x7C, iso7816.Encode(0x82, pkMap)), nil
	case 3:
		pkIFD, ok := iso7816.Find(inner, 0x83)
		if !ok {
			return nil, errors.New("pace: ephemeral key missing")
		}
		sk, err := newPrivateKey(c.gm, rnd)
		if err != nil {
			return nil, err
		}
		c.pk = c.gm.publicKey(sk)
		if err := distinct(c.pk, pkIFD); err != nil {
			return nil, err
		}
		k, err := c.gm.shared(sk, pkIFD)
		if err != nil {
			return nil, err
		}
		if c.sess, c.kmac, err = sessionKeys(c.alg, k.secret); err != nil {
			return nil, err
		}
		tIC, err := token(c.alg, c.kmac, c.info.Protocol, c.gm.pubTag(), pkIFD)
		if err != nil {
			return nil, err
		}
		c.step = 4
		c.pkIFDToken = tIC
		return iso7816.Encode(0x7C, iso7816.Encode(0x84, c.pk)), nil
	case 4:
		tIFD, ok := iso7816.Find(inner, 0x85)
		if !ok {
			return nil, errors.New("pace: token missing")
		}
		want, err := token(c.alg, c.kmac, c.info.Protocol, c.gm.pubTag(), c.pk)
		if err != nil {
			return nil, err
		}
		if !sm.Equal(tIFD, want) {
			return nil, ErrAuthFailed
		}
		c.step = 5
		return iso7816.Encode(0x7C, iso7816.Encode(0x86, c.pkIFDToken)), nil
	}
	return nil, errors.New("pace: GENERAL AUTHENTICATE out of sequence")
}
