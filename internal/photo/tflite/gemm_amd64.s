//go:build !purego

#include "textflag.h"

// func gemm4x8(a *float32, lda int, bt *float32, ldb int, k int, out *[32]float32)
//
// out[r*8+j] = Σ_{i<k} a[r*lda+i] · bt[i*ldb+j] for r < 4, j < 8, summed in
// order of i with a separate multiply and add (MULPS, ADDPS): each lane
// rounds exactly as gemm's scalar loop does, so the results are identical.
TEXT ·gemm4x8(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), R8
	SHLQ $2, R8
	MOVQ bt+16(FP), DI
	MOVQ ldb+24(FP), R9
	SHLQ $2, R9
	MOVQ k+32(FP), CX
	MOVQ out+40(FP), DX
	LEAQ (SI)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (R12)(R8*1), R13
	XORPS X0, X0
	XORPS X1, X1
	XORPS X2, X2
	XORPS X3, X3
	XORPS X4, X4
	XORPS X5, X5
	XORPS X6, X6
	XORPS X7, X7
	TESTQ CX, CX
	JLE   done

loop:
	MOVUPS (DI), X8
	MOVUPS 16(DI), X9

	MOVSS  (SI), X10
	SHUFPS $0, X10, X10
	MOVAPS X10, X11
	MULPS  X8, X11
	ADDPS  X11, X0
	MULPS  X9, X10
	ADDPS  X10, X1

	MOVSS  (R11), X10
	SHUFPS $0, X10, X10
	MOVAPS X10, X11
	MULPS  X8, X11
	ADDPS  X11, X2
	MULPS  X9, X10
	ADDPS  X10, X3

	MOVSS  (R12), X10
	SHUFPS $0, X10, X10
	MOVAPS X10, X11
	MULPS  X8, X11
	ADDPS  X11, X4
	MULPS  X9, X10
	ADDPS  X10, X5

	MOVSS  (R13), X10
	SHUFPS $0, X10, X10
	MOVAPS X10, X11
	MULPS  X8, X11
	ADDPS  X11, X6
	MULPS  X9, X10
	ADDPS  X10, X7

	ADDQ $4, SI
	ADDQ $4, R11
	ADDQ $4, R12
	ADDQ $4, R13
	ADDQ R9, DI
	DECQ CX
	JNZ  loop

done:
	MOVUPS X0, 0(DX)
	MOVUPS X1, 16(DX)
	MOVUPS X2, 32(DX)
	MOVUPS X3, 48(DX)
	MOVUPS X4, 64(DX)
	MOVUPS X5, 80(DX)
	MOVUPS X6, 96(DX)
	MOVUPS X7, 112(DX)
	RET
