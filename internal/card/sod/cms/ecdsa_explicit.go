package cms

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

// ExplicitECKey is an ECDSA public key on a prime curve given by its parameters, as
// CSCAs that use Brainpool curves write them (the German master list root does).
// crypto/ecdsa only knows the NIST curves, so verification is done here with math/big;
// it handles only public data, so it need not be constant-time.
type ExplicitECKey struct {
	P, A, B, N *big.Int // field prime, curve coefficients, group order
	Gx, Gy     *big.Int // base point
	X, Y       *big.Int // public point
}

type ecParameters struct {
	Version int
	FieldID struct {
		FieldType  asn1.ObjectIdentifier
		Parameters asn1.RawValue
	}
	Curve struct {
		A, B []byte
		Seed asn1.BitString `asn1:"optional"`
	}
	Base     []byte
	Order    *big.Int
	Cofactor *big.Int `asn1:"optional"`
}

// ParseExplicitECKey reads ECParameters (the SubjectPublicKeyInfo algorithm parameters)
// and the public point, and checks the point lies on the curve.
func ParseExplicitECKey(params, point []byte) (*ExplicitECKey, error) {
	var p ecParameters
	if rest, err := asn1.Unmarshal(params, &p); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("cms: bad EC parameters: %v", err)
	}
	if !p.FieldID.FieldType.Equal(OIDPrimeField) {
		return nil, fmt.Errorf("cms: unsupported EC field type %s", p.FieldID.FieldType)
	}
	k := &ExplicitECKey{P: new(big.Int)}
	if _, err := asn1.Unmarshal(p.FieldID.Parameters.FullBytes, &k.P); err != nil {
		return nil, fmt.Errorf("cms: bad EC prime: %v", err)
	}
	if k.P.Sign() <= 0 || k.P.BitLen() < 160 || k.P.BitLen() > 1024 || p.Order == nil || p.Order.Sign() <= 0 || p.Order.BitLen() > 1100 {
		return nil, errors.New("cms: EC parameters out of range")
	}
	// big.Int.ModSqrt panics or loops forever on an even or composite modulus, and
	// these parameters may come from a certificate an attacker wrote.
	if k.P.Bit(0) == 0 || !k.P.ProbablyPrime(10) {
		return nil, errors.New("cms: EC field modulus is not prime")
	}
	k.A, k.B, k.N = new(big.Int).SetBytes(p.Curve.A), new(big.Int).SetBytes(p.Curve.B), p.Order
	k.A.Mod(k.A, k.P)
	k.B.Mod(k.B, k.P)
	var err error
	if k.Gx, k.Gy, err = k.decodePoint(p.Base); err != nil {
		return nil, fmt.Errorf("cms: base point: %w", err)
	}
	if k.X, k.Y, err = k.decodePoint(point); err != nil {
		return nil, fmt.Errorf("cms: public point: %w", err)
	}
	return k, nil
}

func (k *ExplicitECKey) decodePoint(b []byte) (*big.Int, *big.Int, error) {
	size := (k.P.BitLen() + 7) / 8
	var x, y *big.Int
	switch {
	case len(b) == 1+2*size && b[0] == 4:
		x, y = new(big.Int).SetBytes(b[1:1+size]), new(big.Int).SetBytes(b[1+size:])
	case len(b) == 1+size && (b[0] == 2 || b[0] == 3):
		x = new(big.Int).SetBytes(b[1:])
		y = new(big.Int).ModSqrt(k.rhs(x), k.P)
		if y == nil {
			return nil, nil, errors.New("not on the curve")
		}
		if y.Bit(0) != uint(b[0]&1) {
			y.Sub(k.P, y)
		}
	default:
		return nil, nil, errors.New("unsupported point encoding")
	}
	if x.Cmp(k.P) >= 0 || y.Cmp(k.P) >= 0 {
		return nil, nil, errors.New("coordinate out of range")
	}
	y2 := new(big.Int).Mul(y, y)
	if y2.Mod(y2, k.P).Cmp(k.rhs(x)) != 0 {
		return nil, nil, errors.New("not on the curve")
	}
	return x, y, nil
}

// rhs is x³ + ax + b mod p.
func (k *ExplicitECKey) rhs(x *big.Int) *big.Int {
	r := new(big.Int).Mul(x, x)
	r.Add(r, k.A)
	r.Mul(r, x)
	r.Add(r, k.B)
	return r.Mod(r, k.P)
}

// Verify checks an ECDSA signature (r, s) over a message digest, as in SEC 1 §4.1.4.
func (k *ExplicitECKey) Verify(digest []byte, r, s *big.Int) bool {
	if r == nil || s == nil || r.Sign() <= 0 || s.Sign() <= 0 || r.Cmp(k.N) >= 0 || s.Cmp(k.N) >= 0 {
		return false
	}
	e := new(big.Int).SetBytes(digest)
	if excess := len(digest)*8 - k.N.BitLen(); excess > 0 {
		e.Rsh(e, uint(excess))
	}
	w := new(big.Int).ModInverse(s, k.N)
	if w == nil {
		return false
	}
	u1 := e.Mul(e, w)
	u1.Mod(u1, k.N)
	u2 := new(big.Int).Mul(r, w)
	u2.Mod(u2, k.N)
	x, ok := k.combined(u1, u2)
	if !ok {
		return false
	}
	return x.Mod(x, k.N).Cmp(r) == 0
}

// jacobian is a point (X/Z², Y/Z³); Z = 0 is the point at infinity.
type jacobian struct{ x, y, z *big.Int }

func (k *ExplicitECKey) affine(x, y *big.Int) jacobian {
	return jacobian{new(big.Int).Set(x), new(big.Int).Set(y), big.NewInt(1)}
}

// combined computes the x coordinate of u1·G + u2·Q with Shamir's trick.
func (k *ExplicitECKey) combined(u1, u2 *big.Int) (*big.Int, bool) {
	g, q := k.affine(k.Gx, k.Gy), k.affine(k.X, k.Y)
	gq := k.add(g, q)
	acc := jacobian{big.NewInt(0), big.NewInt(1), big.NewInt(0)}
	n := max(u1.BitLen(), u2.BitLen())
	for i := n - 1; i >= 0; i-- {
		acc = k.double(acc)
		switch {
		case u1.Bit(i) == 1 && u2.Bit(i) == 1:
			acc = k.add(acc, gq)
		case u1.Bit(i) == 1:
			acc = k.add(acc, g)
		case u2.Bit(i) == 1:
			acc = k.add(acc, q)
		}
	}
	if acc.z.Sign() == 0 {
		return nil, false
	}
	zinv := new(big.Int).ModInverse(acc.z, k.P)
	if zinv == nil {
		return nil, false
	}
	zinv.Mul(zinv, zinv)
	x := zinv.Mul(zinv, acc.x)
	return x.Mod(x, k.P), true
}

func (k *ExplicitECKey) mod(v *big.Int) *big.Int { return v.Mod(v, k.P) }

func (k *ExplicitECKey) double(p jacobian) jacobian {
	if p.z.Sign() == 0 || p.y.Sign() == 0 {
		return jacobian{big.NewInt(0), big.NewInt(1), big.NewInt(0)}
	}
	yy := k.mod(new(big.Int).Mul(p.y, p.y))
	s := k.mod(new(big.Int).Mul(p.x, yy))
	s = k.mod(s.Lsh(s, 2))
	zz := k.mod(new(big.Int).Mul(p.z, p.z))
	m := k.mod(new(big.Int).Mul(zz, zz))
	m = k.mod(m.Mul(m, k.A))
	xx := new(big.Int).Mul(p.x, p.x)
	m.Add(m, xx.Mul(xx, big.NewInt(3)))
	k.mod(m)
	x3 := k.mod(new(big.Int).Sub(new(big.Int).Mul(m, m), new(big.Int).Lsh(s, 1)))
	yyyy := new(big.Int).Mul(yy, yy)
	y3 := new(big.Int).Mul(m, new(big.Int).Sub(s, x3))
	y3 = k.mod(y3.Sub(y3, yyyy.Lsh(yyyy, 3)))
	z3 := new(big.Int).Mul(p.y, p.z)
	z3 = k.mod(z3.Lsh(z3, 1))
	return jacobian{x3, y3, z3}
}

func (k *ExplicitECKey) add(p, q jacobian) jacobian {
	if p.z.Sign() == 0 {
		return q
	}
	if q.z.Sign() == 0 {
		return p
	}
	z1z1 := k.mod(new(big.Int).Mul(p.z, p.z))
	z2z2 := k.mod(new(big.Int).Mul(q.z, q.z))
	u1 := k.mod(new(big.Int).Mul(p.x, z2z2))
	u2 := k.mod(new(big.Int).Mul(q.x, z1z1))
	s1 := k.mod(new(big.Int).Mul(p.y, k.mod(new(big.Int).Mul(q.z, z2z2))))
	s2 := k.mod(new(big.Int).Mul(q.y, k.mod(new(big.Int).Mul(p.z, z1z1))))
	if u1.Cmp(u2) == 0 {
		if s1.Cmp(s2) == 0 {
			return k.double(p)
		}
		return jacobian{big.NewInt(0), big.NewInt(1), big.NewInt(0)}
	}
	h := k.mod(new(big.Int).Sub(u2, u1))
	r := k.mod(new(big.Int).Sub(s2, s1))
	hh := k.mod(new(big.Int).Mul(h, h))
	hhh := k.mod(new(big.Int).Mul(hh, h))
	u1hh := k.mod(new(big.Int).Mul(u1, hh))
	x3 := new(big.Int).Mul(r, r)
	x3.Sub(x3, hhh)
	x3 = k.mod(x3.Sub(x3, new(big.Int).Lsh(u1hh, 1)))
	y3 := new(big.Int).Mul(r, new(big.Int).Sub(u1hh, x3))
	y3 = k.mod(y3.Sub(y3, new(big.Int).Mul(s1, hhh)))
	z3 := k.mod(new(big.Int).Mul(h, new(big.Int).Mul(p.z, q.z)))
	return jacobian{x3, y3, z3}
}
