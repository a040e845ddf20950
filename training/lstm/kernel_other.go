//go:build !amd64

package lstm

// useAVX2 is false off amd64: gemmRow runs its portable kernel.
const useAVX2 = false

func gemmRowAVX2(c *float32, n int, a *float32, k int, b *float32, ldb int) {
	panic("lstm: no AVX2 kernel on this architecture")
}

func sigmoidsAVX2(v *float32, n int) { panic("lstm: no AVX2 kernel on this architecture") }

func tanhsAVX2(v *float32, n int) { panic("lstm: no AVX2 kernel on this architecture") }
