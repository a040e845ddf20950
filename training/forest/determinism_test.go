package forest

import (
	"crypto/sha256"
	"testing"
)

// randomParams exercises every random choice and every option.
func randomParams() Params {
	p := DefaultParams()
	p.Trees, p.MaxFeatures, p.MinSamplesLeaf, p.ClassWeight, p.MaxBin, p.Seed = 24, "0.4", 2, ClassWeightBalanced, 64, 42
	return p
}

func modelBytes(t *testing.T, m *Model) []byte {
	t.Helper()
	b, err := m.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDeterministicAcrossThreads: the same data, params and seed give the
// same model bytes with 1, 2, 3 and 8 threads and on a repeated run; another
// seed gives another model.
func TestDeterministicAcrossThreads(t *testing.T) {
	x, y := synthetic(20000, 12, 31, true)
	for _, p := range []Params{DefaultParams(), randomParams()} {
		p.Trees = 24
		var want [32]byte
		for i, threads := range []int{1, 2, 3, 8, 2} {
			p.Threads = threads
			got := sha256.Sum256(modelBytes(t, mustTrain(t, x, y, p)))
			if i == 0 {
				want = got
			} else if got != want {
				t.Fatalf("run %d, %d threads: sha256 %x, 1 thread gave %x", i, threads, got[:8], want[:8])
			}
		}
		p.Seed++
		if sha256.Sum256(modelBytes(t, mustTrain(t, x, y, p))) == want {
			t.Fatal("another seed gave the same model; the seed is not used")
		}
	}
}

// TestTreeDependsOnlyOnItsIndex: a forest of 5 trees is the first 5 trees of
// a forest of 12 with the same seed.
func TestTreeDependsOnlyOnItsIndex(t *testing.T) {
	x, y := synthetic(3000, 8, 32, false)
	p := randomParams()
	p.Trees = 12
	big := mustTrain(t, x, y, p)
	p.Trees = 5
	small := mustTrain(t, x, y, p)
	for i := range small.trees {
		a, b := &small.trees[i], &big.trees[i]
		if len(a.nodes) != len(b.nodes) || !equal32(a.leafValue, b.leafValue) {
			t.Fatalf("tree %d differs between forests of 5 and 12 trees", i)
		}
	}
}
