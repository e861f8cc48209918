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

// func gemm4x16(a *float32, lda int, bt *float32, ldb int, k int, out *[64]float32)
//
// gemm4x8 with AVX registers: out[r*16+j] for r < 4, j < 16, rounded alike.
TEXT ·gemm4x16(SB), NOSPLIT, $0-48
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
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	TESTQ  CX, CX
	JLE    done16

loop16:
	VMOVUPS (DI), Y8
	VMOVUPS 32(DI), Y9

	VBROADCASTSS (SI), Y10
	VMULPS       Y8, Y10, Y11
	VADDPS       Y11, Y0, Y0
	VMULPS       Y9, Y10, Y10
	VADDPS       Y10, Y1, Y1

	VBROADCASTSS (R11), Y10
	VMULPS       Y8, Y10, Y11
	VADDPS       Y11, Y2, Y2
	VMULPS       Y9, Y10, Y10
	VADDPS       Y10, Y3, Y3

	VBROADCASTSS (R12), Y10
	VMULPS       Y8, Y10, Y11
	VADDPS       Y11, Y4, Y4
	VMULPS       Y9, Y10, Y10
	VADDPS       Y10, Y5, Y5

	VBROADCASTSS (R13), Y10
	VMULPS       Y8, Y10, Y11
	VADDPS       Y11, Y6, Y6
	VMULPS       Y9, Y10, Y10
	VADDPS       Y10, Y7, Y7

	ADDQ $4, SI
	ADDQ $4, R11
	ADDQ $4, R12
	ADDQ $4, R13
	ADDQ R9, DI
	DECQ CX
	JNZ  loop16

done16:
	VMOVUPS Y0, 0(DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, 128(DX)
	VMOVUPS Y5, 160(DX)
	VMOVUPS Y6, 192(DX)
	VMOVUPS Y7, 224(DX)
	VZEROUPPER
	RET

// func cpuHasAVX() bool
//
// AVX needs the CPU's support and the OS's saving of the YMM registers.
TEXT ·cpuHasAVX(SB), NOSPLIT, $0-1
	MOVL  $1, AX
	XORL  CX, CX
	CPUID
	ANDL  $0x18000000, CX // OSXSAVE and AVX
	CMPL  CX, $0x18000000
	JNE   noavx
	XORL  CX, CX
	XGETBV
	ANDL  $6, AX // XMM and YMM state
	CMPL  AX, $6
	JNE   noavx
	MOVB  $1, ret+0(FP)
	RET

noavx:
	MOVB $0, ret+0(FP)
	RET
