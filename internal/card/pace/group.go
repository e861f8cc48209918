package pace

import (
	"errors"
	"fmt"
	"io"
	"math/big"
)

// group is a Diffie-Hellman group with a current generator: the standard one
// before the mapping, the mapped one after.
type group interface {
	isEC() bool
	order() *big.Int
	// publicKey encodes generator^priv (DH) or priv·G (EC).
	publicKey(priv *big.Int) []byte
	// shared computes the raw shared value peer^priv, checking peer first.
	shared(priv *big.Int, peer []byte) (sharedValue, error)
	// mapped returns the group whose generator is g^s·h (DH) or s·G+H (EC).
	mapped(s *big.Int, h sharedValue) (group, error)
	// pubTag is the tag of the public key inside the token's 7F49 object.
	pubTag() uint32
}

// sharedValue is a DH element or an EC point; secret is its byte string as
// the KDF takes it (the DH value, or the x coordinate).
type sharedValue struct {
	dh     *big.Int
	x, y   *big.Int
	secret []byte
}

// ErrBadPublicKey means the other side sent a key outside the group.
var ErrBadPublicKey = errors.New("pace: public key not in the group")

// newPrivateKey draws a scalar in [1, order) from rnd, reading exactly the byte
// length of the order each try, so fixed test vectors feed straight in.
func newPrivateKey(g group, rnd io.Reader) (*big.Int, error) {
	q := g.order()
	buf := make([]byte, (q.BitLen()+7)/8)
	for range 100 {
		if _, err := io.ReadFull(rnd, buf); err != nil {
			return nil, err
		}
		k := new(big.Int).SetBytes(buf)
		if k.Sign() > 0 && k.Cmp(q) < 0 {
			return k, nil
		}
	}
	return nil, errors.New("pace: no private key in range after 100 tries")
}

func fixedBytes(n *big.Int, size int) []byte {
	return n.FillBytes(make([]byte, size))
}

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("pace: bad constant " + s)
	}
	return n
}

// groupFor returns the standardized domain parameters of BSI TR-03110-3
// table 4 that this package supports.
func groupFor(id int) (group, error) {
	switch id {
	case 0:
		return rfc5114_1024_160(), nil
	case 1:
		return rfc5114_2048_224(), nil
	case 2:
		return rfc5114_2048_256(), nil
	case 10:
		return nistCurve(10), nil
	case 12:
		return nistCurve(12), nil
	case 13:
		return brainpoolP256r1(), nil
	case 15:
		return nistCurve(15), nil
	case 18:
		return nistCurve(18), nil
	}
	return nil, fmt.Errorf("pace: standardized domain parameter id %d not supported", id)
}
