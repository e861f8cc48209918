//go:build !purego

package tflite

// haveGemmT says that gemmT has its assembly kernel; SSE is part of amd64.
const haveGemmT = true

// haveAVX selects gemm4x16, twice as wide, where the CPU has AVX.
var haveAVX = cpuHasAVX()

//go:noescape
func gemm4x8(a *float32, lda int, bt *float32, ldb int, k int, out *[32]float32)

//go:noescape
func gemm4x16(a *float32, lda int, bt *float32, ldb int, k int, out *[64]float32)

func cpuHasAVX() bool
