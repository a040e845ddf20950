package lstm

import "testing"

// TestPortableKernels runs the checks that exercise the kernels again
// with the AVX2 kernels off, as on a processor without them.
func TestPortableKernels(t *testing.T) {
	if !useAVX2 {
		t.Log("this processor has no AVX2+FMA: the portable kernels already ran")
	}
	prev := useAVX2
	useAVX2 = false
	defer func() { useAVX2 = prev }()
	t.Run("predict", TestPredictMatchesReference)
	t.Run("padding", TestPaddingNeverChangesAScore)
	t.Run("gradient", TestPassGradientMatchesGraph)
	t.Run("torch", TestMatchesTorch)
	t.Run("determinism", TestTrainIsDeterministic)
}
