package pace

import (
	"crypto/elliptic"
	"math/big"
)

// curve is a short Weierstrass curve y² = x³ + ax + b over GF(p). Brainpool
// curves have a ≠ -3, which crypto/elliptic cannot express, hence our own.
type curve struct {
	p, a, b, n *big.Int
	gx, gy     *big.Int
}

// point is an affine point; x == nil is the point at infinity.
type point struct{ x, y *big.Int }

func (c *curve) size() int { return (c.p.BitLen() + 7) / 8 }

func (c *curve) onCurve(pt point) bool {
	if pt.x == nil || pt.x.Sign() < 0 || pt.y.Sign() < 0 || pt.x.Cmp(c.p) >= 0 || pt.y.Cmp(c.p) >= 0 {
		return false
	}
	y2 := new(big.Int).Mul(pt.y, pt.y)
	y2.Mod(y2, c.p)
	r := new(big.Int).Mul(pt.x, pt.x)
	r.Mul(r, pt.x)
	ax := new(big.Int).Mul(c.a, pt.x)
	r.Add(r, ax).Add(r, c.b).Mod(r, c.p)
	return r.Cmp(y2) == 0
}

func (c *curve) add(p1, p2 point) point {
	if p1.x == nil {
		return p2
	}
	if p2.x == nil {
		return p1
	}
	if p1.x.Cmp(p2.x) == 0 {
		sum := new(big.Int).Add(p1.y, p2.y)
		if sum.Mod(sum, c.p).Sign() == 0 {
			return point{}
		}
		return c.double(p1)
	}
	num := new(big.Int).Sub(p2.y, p1.y)
	den := new(big.Int).Sub(p2.x, p1.x)
	den.Mod(den, c.p).ModInverse(den, c.p)
	l := num.Mul(num, den)
	l.Mod(l, c.p)
	return c.finish(l, p1, p2.x)
}

func (c *curve) double(p1 point) point {
	if p1.x == nil || p1.y.Sign() == 0 {
		return point{}
	}
	num := new(big.Int).Mul(p1.x, p1.x)
	num.Mul(num, big.NewInt(3)).Add(num, c.a)
	den := new(big.Int).Lsh(p1.y, 1)
	den.Mod(den, c.p).ModInverse(den, c.p)
	l := num.Mul(num, den)
	l.Mod(l, c.p)
	return c.finish(l, p1, p1.x)
}

// finish computes x3 = l² - x1 - x2, y3 = l(x1 - x3) - y1.
func (c *curve) finish(l *big.Int, p1 point, x2 *big.Int) point {
	x3 := new(big.Int).Mul(l, l)
	x3.Sub(x3, p1.x).Sub(x3, x2).Mod(x3, c.p)
	y3 := new(big.Int).Sub(p1.x, x3)
	y3.Mul(y3, l).Sub(y3, p1.y).Mod(y3, c.p)
	return point{x3, y3}
}

// jacobian is a point (X/Z², Y/Z³); Z = 0 is the point at infinity. Scalar
// multiplication works in these coordinates so it needs one inversion at the
// end instead of one per step.
type jacobian struct{ x, y, z *big.Int }

func (c *curve) mul(k *big.Int, pt point) point {
	if pt.x == nil || k.Sign() == 0 {
		return point{}
	}
	r := jacobian{new(big.Int), new(big.Int), new(big.Int)}
	for i := k.BitLen() - 1; i >= 0; i-- {
		r = c.jDouble(r)
		if k.Bit(i) == 1 {
			r = c.jAddAffine(r, pt)
		}
	}
	return c.affine(r)
}

func (c *curve) mod(x *big.Int) *big.Int { return x.Mod(x, c.p) }

func (c *curve) jDouble(q jacobian) jacobian {
	if q.z.Sign() == 0 || q.y.Sign() == 0 {
		return jacobian{new(big.Int), new(big.Int), new(big.Int)}
	}
	xx := c.mod(new(big.Int).Mul(q.x, q.x))
	yy := c.mod(new(big.Int).Mul(q.y, q.y))
	yyyy := c.mod(new(big.Int).Mul(yy, yy))
	zz := c.mod(new(big.Int).Mul(q.z, q.z))
	s := c.mod(new(big.Int).Mul(q.x, yy))
	s.Lsh(s, 2)
	m := new(big.Int).Mul(xx, big.NewInt(3))
	azz := new(big.Int).Mul(zz, zz)
	azz.Mul(c.mod(azz), c.a)
	c.mod(m.Add(m, azz))
	x3 := new(big.Int).Mul(m, m)
	x3.Sub(x3, new(big.Int).Lsh(s, 1))
	c.mod(x3)
	y3 := new(big.Int).Sub(s, x3)
	y3.Mul(y3, m)
	y3.Sub(y3, new(big.Int).Lsh(yyyy, 3))
	c.mod(y3)
	z3 := new(big.Int).Mul(q.y, q.z)
	c.mod(z3.Lsh(z3, 1))
	return jacobian{x3, y3, z3}
}

// jAddAffine adds an affine point to a Jacobian one (mixed addition).
func (c *curve) jAddAffine(q jacobian, p2 point) jacobian {
	if q.z.Sign() == 0 {
		return jacobian{new(big.Int).Set(p2.x), new(big.Int).Set(p2.y), big.NewInt(1)}
	}
	z1z1 := c.mod(new(big.Int).Mul(q.z, q.z))
	u2 := c.mod(new(big.Int).Mul(p2.x, z1z1))
	s2 := c.mod(new(big.Int).Mul(p2.y, c.mod(new(big.Int).Mul(q.z, z1z1))))
	h := c.mod(new(big.Int).Sub(u2, q.x))
	r := c.mod(new(big.Int).Sub(s2, q.y))
	if h.Sign() == 0 {
		if r.Sign() == 0 {
			return c.jDouble(q)
		}
		return jacobian{new(big.Int), new(big.Int), new(big.Int)}
	}
	hh := c.mod(new(big.Int).Mul(h, h))
	hhh := c.mod(new(big.Int).Mul(h, hh))
	v := c.mod(new(big.Int).Mul(q.x, hh))
	x3 := new(big.Int).Mul(r, r)
	x3.Sub(x3, hhh).Sub(x3, new(big.Int).Lsh(v, 1))
	c.mod(x3)
	y3 := new(big.Int).Sub(v, x3)
	y3.Mul(y3, r)
	y3.Sub(y3, new(big.Int).Mul(q.y, hhh))
	c.mod(y3)
	z3 := c.mod(new(big.Int).Mul(q.z, h))
	return jacobian{x3, y3, z3}
}

func (c *curve) affine(q jacobian) point {
	if q.z.Sign() == 0 {
		return point{}
	}
	zinv := new(big.Int).ModInverse(q.z, c.p)
	zinv2 := c.mod(new(big.Int).Mul(zinv, zinv))
	x := c.mod(new(big.Int).Mul(q.x, zinv2))
	y := c.mod(new(big.Int).Mul(q.y, c.mod(zinv2.Mul(zinv2, zinv))))
	return point{x, y}
}

func (c *curve) encode(pt point) []byte {
	n := c.size()
	out := make([]byte, 1+2*n)
	out[0] = 0x04
	pt.x.FillBytes(out[1 : 1+n])
	pt.y.FillBytes(out[1+n:])
	return out
}

func (c *curve) decode(b []byte) (point, error) {
	n := c.size()
	if len(b) != 1+2*n || b[0] != 0x04 {
		return point{}, ErrBadPublicKey
	}
	pt := point{new(big.Int).SetBytes(b[1 : 1+n]), new(big.Int).SetBytes(b[1+n:])}
	if !c.onCurve(pt) {
		return point{}, ErrBadPublicKey
	}
	return pt, nil
}

// ecGroup is a curve with a current generator.
type ecGroup struct {
	c *curve
	g point
}

func (e *ecGroup) isEC() bool      { return true }
func (e *ecGroup) order() *big.Int { return e.c.n }
func (e *ecGroup) pubTag() uint32  { return 0x86 }

func (e *ecGroup) publicKey(priv *big.Int) []byte { return e.c.encode(e.c.mul(priv, e.g)) }

// shared refuses points off the curve (invalid-curve attacks); all supported
// curves have cofactor 1, so on the curve means in the group.
func (e *ecGroup) shared(priv *big.Int, peer []byte) (sharedValue, error) {
	pt, err := e.c.decode(peer)
	if err != nil {
		return sharedValue{}, err
	}
	k := e.c.mul(priv, pt)
	if k.x == nil {
		return sharedValue{}, ErrBadPublicKey
	}
	return sharedValue{x: k.x, y: k.y, secret: fixedBytes(k.x, e.c.size())}, nil
}

func (e *ecGroup) mapped(s *big.Int, h sharedValue) (group, error) {
	g := e.c.add(e.c.mul(s, e.g), point{h.x, h.y})
	if g.x == nil {
		return nil, ErrBadPublicKey
	}
	return &ecGroup{c: e.c, g: g}, nil
}

func newECGroup(c *curve) *ecGroup { return &ecGroup{c: c, g: point{c.gx, c.gy}} }

// nistCurve takes the NIST parameters from crypto/elliptic (a = -3).
func nistCurve(id int) *ecGroup {
	var p *elliptic.CurveParams
	switch id {
	case 10:
		p = elliptic.P224().Params()
	case 12:
		p = elliptic.P256().Params()
	case 15:
		p = elliptic.P384().Params()
	default:
		p = elliptic.P521().Params()
	}
	a := new(big.Int).Sub(p.P, big.NewInt(3))
	return newECGroup(&curve{p: p.P, a: a, b: p.B, n: p.N, gx: p.Gx, gy: p.Gy})
}

// brainpoolP256r1 is RFC 5639 §3.4, parameter id 13 (the ICAO worked example).
func brainpoolP256r1() *ecGroup {
	return newECGroup(&curve{
		p:  mustHex("A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377"),
		a:  mustHex("7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9"),
		b:  mustHex("26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6"),
		n:  mustHex("A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7"),
		gx: mustHex("8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262"),
		gy: mustHex("547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997"),
	})
}
