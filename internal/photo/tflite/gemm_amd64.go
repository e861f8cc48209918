//go:build !purego

package tflite

// haveGemmT says that gemmT has its assembly kernel; SSE is part of amd64.
const haveGemmT = true

//go:noescape
func gemm4x8(a *float32, lda int, bt *float32, ldb int, k int, out *[32]float32)
