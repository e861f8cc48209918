package tflite

// gemm computes c[m][n] = bias[n] + Σk a[m][k]·b[n][k] for M rows, with a
// row-major M×K, b row-major N×K (the TFLite filter layout) and c row-major
// M×N. The 2×4 register block shares each load of a and b across several
// products; it is the whole trick that makes pure-Go convolution fast enough.
func gemm(a, b, bias, c []float32, M, N, K int) {
	m := 0
	for ; m+2 <= M; m += 2 {
		a0 := a[m*K : m*K+K]
		a1 := a[(m+1)*K : (m+1)*K+K]
		c0 := c[m*N : m*N+N]
		c1 := c[(m+1)*N : (m+1)*N+N]
		n := 0
		for ; n+4 <= N; n += 4 {
			b0 := b[n*K : n*K+K]
			b1 := b[(n+1)*K : (n+1)*K+K]
			b2 := b[(n+2)*K : (n+2)*K+K]
			b3 := b[(n+3)*K : (n+3)*K+K]
			// Equal lengths let the compiler drop the bounds checks.
			a1, b0, b1, b2, b3 := a1[:len(a0)], b0[:len(a0)], b1[:len(a0)], b2[:len(a0)], b3[:len(a0)]
			var s00, s01, s02, s03, s10, s11, s12, s13 float32
			for k, x0 := range a0 {
				x1 := a1[k]
				w0, w1, w2, w3 := b0[k], b1[k], b2[k], b3[k]
				s00 += x0 * w0
				s01 += x0 * w1
				s02 += x0 * w2
				s03 += x0 * w3
				s10 += x1 * w0
				s11 += x1 * w1
				s12 += x1 * w2
				s13 += x1 * w3
			}
			bs := bias[n : n+4]
			c0[n], c0[n+1], c0[n+2], c0[n+3] = s00+bs[0], s01+bs[1], s02+bs[2], s03+bs[3]
			c1[n], c1[n+1], c1[n+2], c1[n+3] = s10+bs[0], s11+bs[1], s12+bs[2], s13+bs[3]
		}
		for ; n < N; n++ {
			bn := b[n*K : n*K+K]
			var s0, s1 float32
			for k, w := range bn {
				s0 += a0[k] * w
				s1 += a1[k] * w
			}
			c0[n], c1[n] = s0+bias[n], s1+bias[n]
		}
	}
	for ; m < M; m++ {
		a0 := a[m*K : m*K+K]
		c0 := c[m*N : m*N+N]
		for n := range c0 {
			bn := b[n*K : n*K+K]
			var s float32
			for k, w := range bn {
				s += a0[k] * w
			}
			c0[n] = s + bias[n]
		}
	}
}

// transposeFilter returns b (N×K) as K×ld, ld being N rounded up to 8 and
// the extra columns zero: the layout gemmT's kernel reads eight outputs'
// weights from with one load.
func transposeFilter(b []float32, N, K int) (bt []float32, ld int) {
	ld = (N + 7) &^ 7
	bt = make([]float32, K*ld)
	for n := range N {
		for k, w := range b[n*K : n*K+K] {
			bt[k*ld+n] = w
		}
	}
	return bt, ld
}

// gemmT is gemm with the filter also given transposed (bt, from
// transposeFilter), for the assembly kernel that computes 4 rows × 8 outputs
// at a time with SIMD. Each output is summed in the same order, with the same
// roundings, as gemm's, so the two give identical results; rows beyond the
// last multiple of 4 go to gemm.
func gemmT(a, b, bt []float32, ld int, bias, c []float32, M, N, K int) {
	gemmTWith(a, b, bt, ld, bias, c, M, N, K, haveAVX)
}

// gemmTWith is gemmT with the AVX kernel allowed or not, for the tests.
func gemmTWith(a, b, bt []float32, ld int, bias, c []float32, M, N, K int, avx bool) {
	if !haveGemmT || K == 0 {
		gemm(a, b, bias, c, M, N, K)
		return
	}
	_ = a[M*K-1]
	_ = bt[K*ld-1]
	var out [64]float32
	m := 0
	for ; m+4 <= M; m += 4 {
		for n := 0; n < N; {
			// 16 outputs at a time with AVX, while the padded row has them.
			step := 8
			if avx && n+16 <= ld {
				step = 16
				gemm4x16(&a[m*K], K, &bt[n], ld, K, &out)
			} else {
				gemm4x8(&a[m*K], K, &bt[n], ld, K, (*[32]float32)(out[:32]))
			}
			w := min(step, N-n)
			bs := bias[n : n+w]
			for r := range 4 {
				cr := c[(m+r)*N+n:][:w]
				o := out[step*r:][:w]
				for j := range cr {
					cr[j] = o[j] + bs[j]
				}
			}
			n += step
		}
	}
	if m < M {
		gemm(a[m*K:], b, bias, c[m*N:], M-m, N, K)
	}
}
