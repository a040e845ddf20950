package lstm

import (
	"math/rand/v2"
	"testing"
)

// smallParams are sizes that keep the tests fast but exercise every
// kernel path (a 4H of 64+16 columns, widths that are not multiples of 8).
func smallParams() Params {
	p := DefaultParams()
	p.Vocab, p.Embed, p.Hidden = 40, 9, 20
	p.Seed = 7
	return p
}

// randomExamples draws n sequences of width ids with lengths in
// [minLen, width], random padding (never Pad, so only masking can hide
// it) and random labels.
func randomExamples(src *rand.Rand, n, width, minLen, vocab int) Examples {
	x := Examples{Sequences: Sequences{IDs: make([]int32, n*width), Lengths: make([]int32, n), Width: width}, Labels: make([]float32, n)}
	for i := range n {
		x.Lengths[i] = int32(minLen + src.IntN(width-minLen+1))
		for t := range width {
			x.IDs[i*width+t] = int32(1 + src.IntN(vocab-1))
		}
		x.Labels[i] = float32(src.IntN(2))
	}
	return x
}

// perturbWeights returns a model of p's sizes whose weights are spread
// wider than the initial ones, so that the gates saturate in places.
func perturbWeights(t testing.TB, p Params, seed uint64) *Model {
	t.Helper()
	m := initModel(p)
	src := rand.New(rand.NewPCG(seed, 1))
	for _, w := range m.tensors()[1:] {
		for i := range w {
			w[i] += float32(src.NormFloat64() * 0.3)
		}
	}
	m.buildTable()
	return m
}

// float64s returns the weights in the order of weights.tensors, as
// float64.
func float64s(w *weights) [][]float64 {
	var out [][]float64
	for _, t := range w.tensors() {
		f := make([]float64, len(t))
		for i, v := range t {
			f[i] = float64(v)
		}
		out = append(out, f)
	}
	return out
}

// allRows returns 0..n-1.
func allRows(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = i
	}
	return r
}
