// Package rng gives the tree learners their seeded random streams: one per
// tree, derived from the training seed and the tree's index, so a tree draws
// the same numbers whatever the number of threads or where training resumed.
package rng

import (
	"math/bits"
	"math/rand/v2"
)

// Tree returns the random generator of tree t: a PCG seeded from the
// training seed and the tree's index.
func Tree(seed uint64, t int) *rand.PCG {
	return rand.NewPCG(Splitmix64(seed), Splitmix64(seed^Splitmix64(uint64(t)+1)))
}

// Splitmix64 is the SplitMix64 finaliser, used to spread seeds.
func Splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Uniform returns a number in [0, n) from one draw of src (Lemire's
// multiply-shift; defined here so the stream never depends on the Go
// version's math/rand helpers).
func Uniform(src *rand.PCG, n int) int {
	hi, _ := bits.Mul64(src.Uint64(), uint64(n))
	return int(hi)
}
