package jpegscale

import (
	"math"
	"math/rand/v2"
	"testing"
)

// floatIDCT is the textbook 2-D IDCT of a dequantized block, level-shifted.
func floatIDCT(f *[blockSize]float64) (out [8][8]float64) {
	for y := range 8 {
		for x := range 8 {
			s := 0.0
			for v := range 8 {
				for u := range 8 {
					cu, cv := 1.0, 1.0
					if u == 0 {
						cu = 1 / math.Sqrt2
					}
					if v == 0 {
						cv = 1 / math.Sqrt2
					}
					s += cu * cv / 4 * f[8*v+u] *
						math.Cos(float64(2*x+1)*float64(u)*math.Pi/16) *
						math.Cos(float64(2*y+1)*float64(v)*math.Pi/16)
				}
			}
			out[y][x] = s + 128
		}
	}
	return out
}

// TestReducedIDCTsAreBoxFilters checks every IDCT against the textbook one,
// box-averaged for the reduced scales, on random blocks with realistic
// magnitudes: each output sample within 1 of the exact value.
func TestReducedIDCTsAreBoxFilters(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	var q [blockSize]int32
	for i := range q {
		q[i] = int32(1 + rng.IntN(12))
	}
	for trial := range 2000 {
		var b [blockSize]int16
		var f [blockSize]float64
		b[0] = int16(rng.IntN(1024/int(q[0])) - 512/int(q[0]))
		for range rng.IntN(20) {
			i := 1 + rng.IntN(blockSize-1)
			b[i] = int16(rng.NormFloat64() * 40 / float64(q[i]))
		}
		for i := range b {
			f[i] = float64(b[i]) * float64(q[i])
		}
		exact := floatIDCT(&f)
		for _, s := range []int{1, 2, 4, 8} {
			k := 8 / s
			dst := make([]byte, k*k)
			switch s {
			case 1:
				render1(&b, &q, dst, k)
			case 2:
				render2(&b, &q, dst, k)
			case 4:
				render4(&b, &q, dst, k)
			case 8:
				p := &planes{scale: 8, pix: [4][]byte{dst}, stride: [4]int{1}}
				p.renderBlock(&b, &q, 0, 0, 0, false)
			}
			for m := range k {
				for n := range k {
					sum := 0.0
					for y := m * s; y < m*s+s; y++ {
						for x := n * s; x < n*s+s; x++ {
							sum += exact[y][x] - 128
						}
					}
					want := max(0, min(255, sum/float64(s*s)+128))
					if got := float64(dst[m*k+n]); math.Abs(got-want) > 1 {
						t.Fatalf("trial %d scale 1/%d sample (%d,%d) = %v, want %.2f", trial, s, n, m, got, want)
					}
				}
			}
			// The flat-block shortcut must give what the transform gives.
			if s < 8 {
				flat := [blockSize]int16{b[0]}
				want := make([]byte, k*k)
				p := &planes{scale: s, pix: [4][]byte{want}, stride: [4]int{k}}
				p.renderBlock(&flat, &q, 0, 0, 0, false)
				got := make([]byte, k*k)
				p.pix[0] = got
				p.renderBlock(&flat, &q, 0, 0, 0, true)
				if string(got) != string(want) {
					t.Fatalf("scale 1/%d: flat shortcut %v, transform %v", s, got, want)
				}
			}
		}
	}
}
