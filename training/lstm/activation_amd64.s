#include "textflag.h"

// Constants of the activations, each repeated in the 8 lanes of a Y register;
// the floats are activation.go's expf constants rounded to float32.
DATA actconst<>+0(SB)/4, $0xc2aeac50
DATA actconst<>+4(SB)/4, $0xc2aeac50
DATA actconst<>+8(SB)/4, $0xc2aeac50
DATA actconst<>+12(SB)/4, $0xc2aeac50
DATA actconst<>+16(SB)/4, $0xc2aeac50
DATA actconst<>+20(SB)/4, $0xc2aeac50
DATA actconst<>+24(SB)/4, $0xc2aeac50
DATA actconst<>+28(SB)/4, $0xc2aeac50
DATA actconst<>+32(SB)/4, $0x42b0c0a5
DATA actconst<>+36(SB)/4, $0x42b0c0a5
DATA actconst<>+40(SB)/4, $0x42b0c0a5
DATA actconst<>+44(SB)/4, $0x42b0c0a5
DATA actconst<>+48(SB)/4, $0x42b0c0a5
DATA actconst<>+52(SB)/4, $0x42b0c0a5
DATA actconst<>+56(SB)/4, $0x42b0c0a5
DATA actconst<>+60(SB)/4, $0x42b0c0a5
DATA actconst<>+64(SB)/4, $0x3fb8aa3b
DATA actconst<>+68(SB)/4, $0x3fb8aa3b
DATA actconst<>+72(SB)/4, $0x3fb8aa3b
DATA actconst<>+76(SB)/4, $0x3fb8aa3b
DATA actconst<>+80(SB)/4, $0x3fb8aa3b
DATA actconst<>+84(SB)/4, $0x3fb8aa3b
DATA actconst<>+88(SB)/4, $0x3fb8aa3b
DATA actconst<>+92(SB)/4, $0x3fb8aa3b
DATA actconst<>+96(SB)/4, $0x3f000000
DATA actconst<>+100(SB)/4, $0x3f000000
DATA actconst<>+104(SB)/4, $0x3f000000
DATA actconst<>+108(SB)/4, $0x3f000000
DATA actconst<>+112(SB)/4, $0x3f000000
DATA actconst<>+116(SB)/4, $0x3f000000
DATA actconst<>+120(SB)/4, $0x3f000000
DATA actconst<>+124(SB)/4, $0x3f000000
DATA actconst<>+128(SB)/4, $0x3f318000
DATA actconst<>+132(SB)/4, $0x3f318000
DATA actconst<>+136(SB)/4, $0x3f318000
DATA actconst<>+140(SB)/4, $0x3f318000
DATA actconst<>+144(SB)/4, $0x3f318000
DATA actconst<>+148(SB)/4, $0x3f318000
DATA actconst<>+152(SB)/4, $0x3f318000
DATA actconst<>+156(SB)/4, $0x3f318000
DATA actconst<>+160(SB)/4, $0xb95e8083
DATA actconst<>+164(SB)/4, $0xb95e8083
DATA actconst<>+168(SB)/4, $0xb95e8083
DATA actconst<>+172(SB)/4, $0xb95e8083
DATA actconst<>+176(SB)/4, $0xb95e8083
DATA actconst<>+180(SB)/4, $0xb95e8083
DATA actconst<>+184(SB)/4, $0xb95e8083
DATA actconst<>+188(SB)/4, $0xb95e8083
DATA actconst<>+192(SB)/4, $0x39506967
DATA actconst<>+196(SB)/4, $0x39506967
DATA actconst<>+200(SB)/4, $0x39506967
DATA actconst<>+204(SB)/4, $0x39506967
DATA actconst<>+208(SB)/4, $0x39506967
DATA actconst<>+212(SB)/4, $0x39506967
DATA actconst<>+216(SB)/4, $0x39506967
DATA actconst<>+220(SB)/4, $0x39506967
DATA actconst<>+224(SB)/4, $0x3ab743ce
DATA actconst<>+228(SB)/4, $0x3ab743ce
DATA actconst<>+232(SB)/4, $0x3ab743ce
DATA actconst<>+236(SB)/4, $0x3ab743ce
DATA actconst<>+240(SB)/4, $0x3ab743ce
DATA actconst<>+244(SB)/4, $0x3ab743ce
DATA actconst<>+248(SB)/4, $0x3ab743ce
DATA actconst<>+252(SB)/4, $0x3ab743ce
DATA actconst<>+256(SB)/4, $0x3c088908
DATA actconst<>+260(SB)/4, $0x3c088908
DATA actconst<>+264(SB)/4, $0x3c088908
DATA actconst<>+268(SB)/4, $0x3c088908
DATA actconst<>+272(SB)/4, $0x3c088908
DATA actconst<>+276(SB)/4, $0x3c088908
DATA actconst<>+280(SB)/4, $0x3c088908
DATA actconst<>+284(SB)/4, $0x3c088908
DATA actconst<>+288(SB)/4, $0x3d2aa9c1
DATA actconst<>+292(SB)/4, $0x3d2aa9c1
DATA actconst<>+296(SB)/4, $0x3d2aa9c1
DATA actconst<>+300(SB)/4, $0x3d2aa9c1
DATA actconst<>+304(SB)/4, $0x3d2aa9c1
DATA actconst<>+308(SB)/4, $0x3d2aa9c1
DATA actconst<>+312(SB)/4, $0x3d2aa9c1
DATA actconst<>+316(SB)/4, $0x3d2aa9c1
DATA actconst<>+320(SB)/4, $0x3e2aaaaa
DATA actconst<>+324(SB)/4, $0x3e2aaaaa
DATA actconst<>+328(SB)/4, $0x3e2aaaaa
DATA actconst<>+332(SB)/4, $0x3e2aaaaa
DATA actconst<>+336(SB)/4, $0x3e2aaaaa
DATA actconst<>+340(SB)/4, $0x3e2aaaaa
DATA actconst<>+344(SB)/4, $0x3e2aaaaa
DATA actconst<>+348(SB)/4, $0x3e2aaaaa
DATA actconst<>+352(SB)/4, $0x3f000000
DATA actconst<>+356(SB)/4, $0x3f000000
DATA actconst<>+360(SB)/4, $0x3f000000
DATA actconst<>+364(SB)/4, $0x3f000000
DATA actconst<>+368(SB)/4, $0x3f000000
DATA actconst<>+372(SB)/4, $0x3f000000
DATA actconst<>+376(SB)/4, $0x3f000000
DATA actconst<>+380(SB)/4, $0x3f000000
DATA actconst<>+384(SB)/4, $0x3f800000
DATA actconst<>+388(SB)/4, $0x3f800000
DATA actconst<>+392(SB)/4, $0x3f800000
DATA actconst<>+396(SB)/4, $0x3f800000
DATA actconst<>+400(SB)/4, $0x3f800000
DATA actconst<>+404(SB)/4, $0x3f800000
DATA actconst<>+408(SB)/4, $0x3f800000
DATA actconst<>+412(SB)/4, $0x3f800000
DATA actconst<>+416(SB)/4, $0x0000007f
DATA actconst<>+420(SB)/4, $0x0000007f
DATA actconst<>+424(SB)/4, $0x0000007f
DATA actconst<>+428(SB)/4, $0x0000007f
DATA actconst<>+432(SB)/4, $0x0000007f
DATA actconst<>+436(SB)/4, $0x0000007f
DATA actconst<>+440(SB)/4, $0x0000007f
DATA actconst<>+444(SB)/4, $0x0000007f
DATA actconst<>+448(SB)/4, $0x80000000
DATA actconst<>+452(SB)/4, $0x80000000
DATA actconst<>+456(SB)/4, $0x80000000
DATA actconst<>+460(SB)/4, $0x80000000
DATA actconst<>+464(SB)/4, $0x80000000
DATA actconst<>+468(SB)/4, $0x80000000
DATA actconst<>+472(SB)/4, $0x80000000
DATA actconst<>+476(SB)/4, $0x80000000
DATA actconst<>+480(SB)/4, $0x7fffffff
DATA actconst<>+484(SB)/4, $0x7fffffff
DATA actconst<>+488(SB)/4, $0x7fffffff
DATA actconst<>+492(SB)/4, $0x7fffffff
DATA actconst<>+496(SB)/4, $0x7fffffff
DATA actconst<>+500(SB)/4, $0x7fffffff
DATA actconst<>+504(SB)/4, $0x7fffffff
DATA actconst<>+508(SB)/4, $0x7fffffff
DATA actconst<>+512(SB)/4, $0x40000000
DATA actconst<>+516(SB)/4, $0x40000000
DATA actconst<>+520(SB)/4, $0x40000000
DATA actconst<>+524(SB)/4, $0x40000000
DATA actconst<>+528(SB)/4, $0x40000000
DATA actconst<>+532(SB)/4, $0x40000000
DATA actconst<>+536(SB)/4, $0x40000000
DATA actconst<>+540(SB)/4, $0x40000000
GLOBL actconst<>(SB), RODATA|NOPTR, $544

// EXP replaces Y0 by e^Y0 lane by lane with exactly the float32 operations
// of exp32 (no fused multiply-add), so both round alike. Clobbers Y1-Y3.
#define EXP \
	VMAXPS actconst<>+0(SB), Y0, Y0 \
	VMINPS actconst<>+32(SB), Y0, Y0 \
	VMULPS actconst<>+64(SB), Y0, Y1 \
	VADDPS actconst<>+96(SB), Y1, Y1 \
	VROUNDPS $1, Y1, Y1 \
	VCVTTPS2DQ Y1, Y2 \
	VMULPS actconst<>+128(SB), Y1, Y3 \
	VSUBPS Y3, Y0, Y0 \
	VMULPS actconst<>+160(SB), Y1, Y3 \
	VSUBPS Y3, Y0, Y0 \
	VMULPS Y0, Y0, Y3 \
	VMOVUPS actconst<>+192(SB), Y1 \
	VMULPS Y0, Y1, Y1 \
	VADDPS actconst<>+224(SB), Y1, Y1 \
	VMULPS Y0, Y1, Y1 \
	VADDPS actconst<>+256(SB), Y1, Y1 \
	VMULPS Y0, Y1, Y1 \
	VADDPS actconst<>+288(SB), Y1, Y1 \
	VMULPS Y0, Y1, Y1 \
	VADDPS actconst<>+320(SB), Y1, Y1 \
	VMULPS Y0, Y1, Y1 \
	VADDPS actconst<>+352(SB), Y1, Y1 \
	VMULPS Y3, Y1, Y1 \
	VADDPS Y0, Y1, Y1 \
	VADDPS actconst<>+384(SB), Y1, Y1 \
	VPADDD actconst<>+416(SB), Y2, Y2 \
	VPSLLD $23, Y2, Y2 \
	VMULPS Y2, Y1, Y0

// func sigmoidsAVX2(v *float32, n int)
TEXT ·sigmoidsAVX2(SB), NOSPLIT, $0-16
	MOVQ v+0(FP), DI
	MOVQ n+8(FP), CX
	SHRQ $3, CX
	JZ   sdone

sloop:
	VMOVUPS (DI), Y0
	VXORPS actconst<>+448(SB), Y0, Y0
	EXP
	VADDPS actconst<>+384(SB), Y0, Y0
	VMOVUPS actconst<>+384(SB), Y1
	VDIVPS Y0, Y1, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	DECQ CX
	JNZ  sloop

sdone:
	VZEROUPPER
	RET

// func tanhsAVX2(v *float32, n int)
TEXT ·tanhsAVX2(SB), NOSPLIT, $0-16
	MOVQ v+0(FP), DI
	MOVQ n+8(FP), CX
	SHRQ $3, CX
	JZ   tdone

tloop:
	VMOVUPS (DI), Y4
	VANDPS actconst<>+480(SB), Y4, Y0
	VADDPS Y0, Y0, Y0
	EXP
	VADDPS actconst<>+384(SB), Y0, Y0
	VMOVUPS actconst<>+512(SB), Y1
	VDIVPS Y0, Y1, Y1
	VMOVUPS actconst<>+384(SB), Y0
	VSUBPS Y1, Y0, Y0
	VANDPS actconst<>+448(SB), Y4, Y4
	VORPS Y4, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	DECQ CX
	JNZ  tloop

tdone:
	VZEROUPPER
	RET
