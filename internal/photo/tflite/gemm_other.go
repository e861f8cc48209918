//go:build !amd64 || purego

package tflite

const haveGemmT = false

var haveAVX = false

func gemm4x8(a *float32, lda int, bt *float32, ldb int, k int, out *[32]float32) {
	panic("tflite: gemm4x8 without its assembly")
}

func gemm4x16(a *float32, lda int, bt *float32, ldb int, k int, out *[64]float32) {
	panic("tflite: gemm4x16 without its assembly")
}
