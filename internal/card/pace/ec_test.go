package pace

import (
	"crypto/rand"
	"math/big"
	"testing"
)

// affineMul is the textbook double-and-add in affine coordinates, the
// reference the Jacobian scalar multiplication must agree with.
func affineMul(c *curve, k *big.Int, pt point) point {
	var r point
	for i := k.BitLen() - 1; i >= 0; i-- {
		r = c.double(r)
		if k.Bit(i) == 1 {
			r = c.add(r, pt)
		}
	}
	return r
}

func TestJacobianMatchesAffine(t *testing.T) {
	for _, id := range []int{12, 13, 15} {
		g, _ := groupFor(id)
		e := g.(*ecGroup)
		for i := 0; i < 8; i++ {
			k, _ := rand.Int(rand.Reader, e.c.n)
			if i == 0 {
				k = big.NewInt(1)
			}
			if i == 1 {
				k = new(big.Int).Sub(e.c.n, big.NewInt(1))
			}
			got, want := e.c.mul(k, e.g), affineMul(e.c, k, e.g)
			if got.x.Cmp(want.x) != 0 || got.y.Cmp(want.y) != 0 {
				t.Fatalf("curve %d, k=%x: Jacobian and affine differ", id, k)
			}
			if !e.c.onCurve(got) {
				t.Fatalf("curve %d: result off the curve", id)
			}
		}
		if e.c.mul(big.NewInt(0), e.g).x != nil {
			t.Fatalf("curve %d: 0·G is not infinity", id)
		}
	}
}
