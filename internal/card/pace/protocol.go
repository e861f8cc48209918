package pace

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"github.com/sportello/sportello/internal/card/iso7816"
	"github.com/sportello/sportello/internal/card/sm"
)

// ErrAuthFailed means the authentication tokens did not match: the password
// (CAN or MRZ) was wrong, or someone sits between reader and chip.
var ErrAuthFailed = errors.New("pace: authentication failed (wrong CAN or MRZ?)")

// oidContent is the OID's DER content octets, the value of tag 80 and 06.
func oidContent(o asn1.ObjectIdentifier) ([]byte, error) {
	der, err := asn1.Marshal(o)
	if err != nil {
		return nil, err
	}
	_, h, _, err := iso7816.ParseHeader(der)
	if err != nil {
		return nil, err
	}
	return der[h:], nil
}

// token is the authentication token: a MAC over the public key data object
// (7F49) holding the OID and the other side's ephemeral key (TR-03110-3 D.3).
func token(alg sm.Alg, kmac []byte, proto asn1.ObjectIdentifier, tag uint32, pub []byte) ([]byte, error) {
	oc, err := oidContent(proto)
	if err != nil {
		return nil, err
	}
	data := iso7816.Encode(0x7F49, iso7816.Encode(0x06, oc), iso7816.Encode(tag, pub))
	if alg == sm.TDES {
		data = sm.Pad(data, 8)
	}
	return sm.MAC(alg, kmac, data)
}

// nonceBlock is the cipher keyed with K_pi that hides the chip's nonce.
func nonceBlock(alg sm.Alg, pw Password) (interface {
	BlockSize() int
	Encrypt(dst, src []byte)
	Decrypt(dst, src []byte)
}, error) {
	return sm.NewBlock(alg, sm.KDF(alg, pw.Secret, sm.KDFPI))
}

// sessionKeys derives KS_enc and KS_mac from the shared secret.
func sessionKeys(alg sm.Alg, secret []byte) (*sm.Session, []byte, error) {
	kmac := sm.KDF(alg, secret, sm.KDFMAC)
	s, err := sm.NewSession(alg, sm.KDF(alg, secret, sm.KDFEnc), kmac, nil)
	return s, kmac, err
}

// setup resolves the group and cipher of a PACEInfo.
func setup(info Info) (group, sm.Alg, error) {
	if err := info.Supported(); err != nil {
		return nil, 0, err
	}
	alg, _ := info.Cipher()
	g, err := groupFor(info.ParameterID)
	return g, alg, err
}

func dynamicData(resp []byte, tag uint32) ([]byte, error) {
	inner, err := iso7816.Path(resp, 0x7C)
	if err != nil {
		return nil, fmt.Errorf("pace: dynamic authentication data: %w", err)
	}
	v, ok := iso7816.Find(inner, tag)
	if !ok || len(v) == 0 {
		return nil, fmt.Errorf("pace: tag %X missing in dynamic authentication data", tag)
	}
	return v, nil
}

func toInt(b []byte) *big.Int { return new(big.Int).SetBytes(b) }

func distinct(a, b []byte) error {
	if bytes.Equal(a, b) {
		return errors.New("pace: the other side echoed our public key")
	}
	return nil
}
