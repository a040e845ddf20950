package lstm

import "golang.org/x/sys/cpu"

// useAVX2 selects the AVX2+FMA kernel when the processor has both.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// gemmRowAVX2 is gemmRow on n columns (a multiple of 8) in AVX2 with
// fused multiply-adds: 64 columns at a time in eight registers, then 8.
//
//go:noescape
func gemmRowAVX2(c *float32, n int, a *float32, k int, b *float32, ldb int)

// sigmoidsAVX2 and tanhsAVX2 are sigmoids and tanhs on n values (a
// multiple of 8), in place.
//
//go:noescape
func sigmoidsAVX2(v *float32, n int)

//go:noescape
func tanhsAVX2(v *float32, n int)
