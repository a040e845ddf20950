package iforest

import "math/rand/v2"

// unit returns a number in [0, 1) with 53 random bits from one draw.
func unit(src *rand.PCG) float64 {
	return float64(src.Uint64()>>11) * 0x1p-53
}
