package tflite

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The assembly kernel must give gemm's results bit for bit, so that the models'
// outputs do not depend on which one ran; with -tags purego gemmT is gemm.
func TestGemmTMatchesGemm(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, sz := range [][3]int{{1, 1, 1}, {4, 8, 1}, {4, 1, 3}, {5, 9, 7}, {7, 16, 27}, {64, 24, 27}, {13, 33, 144}, {130, 3, 5}, {8, 16, 9}, {12, 40, 33}, {9, 64, 70}} {
		M, N, K := sz[0], sz[1], sz[2]
		a, b, bias := randv(r, M*K), randv(r, N*K), randv(r, N)
		// Zeros, tiny and huge values exercise signed zeros, subnormals and overflow.
		a[0], b[0] = 0, float32(math.Copysign(0, -1))
		a[M*K-1] = 1e-39
		if len(b) > 1 {
			b[1] = 3e38
		}
		want := make([]float32, M*N)
		gemm(a, b, bias, want, M, N, K)
		bt, ld := transposeFilter(b, N, K)
		for _, avx := range []bool{false, haveAVX} {
			got := make([]float32, M*N)
			gemmTWith(a, b, bt, ld, bias, got, M, N, K, avx)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(math.IsNaN(float64(got[i])) && math.IsNaN(float64(want[i]))) {
					t.Fatalf("%v (AVX %v): c[%d] = %v, gemm gives %v", sz, avx, i, got[i], want[i])
				}
			}
		}
	}
}

func BenchmarkGemmT(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const M, N, K = 4096, 32, 32
	a, w, bias := randv(r, M*K), randv(r, N*K), randv(r, N)
	wt, ld := transposeFilter(w, N, K)
	c := make([]float32, M*N)
	b.SetBytes(2 * M * N * K)
	for b.Loop() {
		gemmT(a, w, wt, ld, bias, c, M, N, K)
	}
}
