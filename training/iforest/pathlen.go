package iforest

import "math"

// eulerGamma is the Euler–Mascheroni constant (numpy's np.euler_gamma).
const eulerGamma = 0.5772156649015329

// AveragePathLength is c(n) of Liu, Ting and Zhou (2008), the average path
// length of an unsuccessful search in a binary search tree of n points,
// used to normalise path lengths and to finish paths that end in a leaf
// holding n > 1 samples. It is sklearn's _average_path_length: 0 for
// n <= 1, 1 for n = 2, else 2(ln(n-1) + γ) - 2(n-1)/n.
func AveragePathLength(n int) float64 {
	switch {
	case n <= 1:
		return 0
	case n == 2:
		return 1
	}
	f := float64(n)
	return 2*(math.Log(f-1)+eulerGamma) - 2*(f-1)/f
}

// depthLimit is sklearn's max_depth for psi samples per tree:
// ceil(log2(max(psi, 2))).
func depthLimit(psi int) int {
	return int(math.Ceil(math.Log2(float64(max(psi, 2)))))
}
