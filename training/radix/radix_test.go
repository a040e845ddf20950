package radix

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortHighOrdersFloatsStably(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vals := make([]float32, 5000)
	for i := range vals {
		vals[i] = float32(r.IntN(50)-25) / 4 // many ties
	}
	vals[0], vals[1] = float32(math.Inf(-1)), float32(math.Inf(1))
	pairs := make([]uint64, len(vals))
	for i, v := range vals {
		pairs[i] = uint64(FloatKey(v))<<32 | uint64(i)
	}
	SortHigh(pairs, make([]uint64, len(pairs)))
	for i := 1; i < len(pairs); i++ {
		a, b := KeyFloat(uint32(pairs[i-1]>>32)), KeyFloat(uint32(pairs[i]>>32))
		if a > b || (a == b && uint32(pairs[i-1]) > uint32(pairs[i])) {
			t.Fatalf("pair %d out of order: %v then %v", i, a, b)
		}
	}
	want := slices.Clone(vals)
	slices.Sort(want)
	for i, p := range pairs {
		if KeyFloat(uint32(p>>32)) != want[i] {
			t.Fatalf("position %d: %v, want %v", i, KeyFloat(uint32(p>>32)), want[i])
		}
	}
}
