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

// TestSort32MatchesSortHigh: the keys alone sort into the same order as
// (key, row) pairs, for many ties, a few distinct values (skipped passes)
// and the full key range.
func TestSort32MatchesSortHigh(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, gen := range []func() float32{
		func() float32 { return float32(r.IntN(50)-25) / 4 },
		func() float32 { return float32(r.IntN(3)) },
		func() float32 { return float32(r.NormFloat64() * 1e6) },
	} {
		keys := make([]uint32, 7000)
		pairs := make([]uint64, len(keys))
		for i := range keys {
			keys[i] = FloatKey(gen())
			pairs[i] = uint64(keys[i])<<32 | uint64(i)
		}
		keys[0], pairs[0] = FloatKey(float32(math.Inf(-1))), uint64(FloatKey(float32(math.Inf(-1))))<<32
		Sort32(keys, make([]uint32, len(keys)))
		SortHigh(pairs, make([]uint64, len(pairs)))
		for i, p := range pairs {
			if keys[i] != uint32(p>>32) {
				t.Fatalf("position %d: key %x, pairs give %x", i, keys[i], uint32(p>>32))
			}
		}
	}
}
