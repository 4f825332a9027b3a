#include "textflag.h"

// func int80(nr, a1, a2, a3, a4, a5, a6 uint32) int32
//
// The 32-bit system call convention: number in AX, arguments in BX, CX,
// DX, SI, DI and BP, result in AX. BP is Go's frame pointer, so it is kept
// in R12 (preserved by int $0x80) around the call.
TEXT ·int80(SB), NOSPLIT, $0-36
	MOVL nr+0(FP), AX
	MOVL a1+4(FP), BX
	MOVL a2+8(FP), CX
	MOVL a3+12(FP), DX
	MOVL a4+16(FP), SI
	MOVL a5+20(FP), DI
	MOVQ BP, R12
	MOVL a6+24(FP), BP
	INT $0x80
	MOVQ R12, BP
	MOVL AX, ret+32(FP)
	RET
