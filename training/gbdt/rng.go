package gbdt

import (
	"math/bits"
	"math/rand/v2"
)

// treeRNG returns the random generator of tree t: a PCG seeded from the
// training seed and the tree's index, so tree t draws the same numbers
// whether training started at tree 0 or resumed from a checkpoint.
func treeRNG(seed uint64, t int) *rand.PCG {
	return rand.NewPCG(splitmix64(seed), splitmix64(seed^splitmix64(uint64(t)+1)))
}

// splitmix64 is the SplitMix64 finaliser, used to spread seeds.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// uniform returns a number in [0, n) from one draw of src (Lemire's
// multiply-shift; defined here so the stream never depends on the Go
// version's math/rand helpers).
func uniform(src *rand.PCG, n int) int {
	hi, _ := bits.Mul64(src.Uint64(), uint64(n))
	return int(hi)
}
