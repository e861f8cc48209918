package tflite

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkGemm reports the kernel's throughput on a typical pointwise
// convolution (64×64 pixels, 32 → 32 channels).
func BenchmarkGemm(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const M, N, K = 4096, 32, 32
	a, w, bias := randv(r, M*K), randv(r, N*K), randv(r, N)
	c := make([]float32, M*N)
	b.SetBytes(2 * M * N * K) // "bytes" are flops: MB/s reads as MFLOP/s
	cpu := startCPU()
	for b.Loop() {
		gemm(a, w, bias, c, M, N, K)
	}
	cpu.report(b)
}
