package gbdt

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mlctl/mlctl/training/matrix"
)

func TestCutsForSorted(t *testing.T) {
	t.Run("few-distinct", func(t *testing.T) {
		// Integers: one bin per value, cut = the next value, so v < cut
		// splits exactly between integers.
		cuts, minVal := cutsForSorted([]float32{0, 0, 1, 2, 2, 2, 5}, 256)
		want := []float32{1, 2, 5, 5 + 5 + 1e-5}
		if !slices.Equal(cuts, want) {
			t.Fatalf("cuts = %v, want %v", cuts, want)
		}
		if minVal >= 0 {
			t.Fatalf("minVal = %v, want below the minimum 0", minVal)
		}
		for _, c := range []struct {
			v   float32
			bin int
		}{{0, 0}, {1, 1}, {2, 2}, {3, 2}, {5, 3}} {
			if b := binOf(cuts, c.v); b != c.bin {
				t.Errorf("binOf(%v) = %d, want %d", c.v, b, c.bin)
			}
		}
	})
	t.Run("many-distinct", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		v := make([]float32, 10000)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		slices.Sort(v)
		for _, limit := range []int{2, 16, 255, 256} {
			cuts, _ := cutsForSorted(v, limit)
			if len(cuts) > limit || len(cuts) < limit/2 {
				t.Fatalf("limit %d: %d bins", limit, len(cuts))
			}
			for i := 1; i < len(cuts); i++ {
				if cuts[i] <= cuts[i-1] {
					t.Fatalf("limit %d: cuts %v, %v not strictly increasing", limit, cuts[i-1], cuts[i])
				}
			}
			if cuts[len(cuts)-1] <= v[len(v)-1] {
				t.Fatalf("limit %d: last cut %v not above the maximum %v", limit, cuts[len(cuts)-1], v[len(v)-1])
			}
			// Every cut is a training value (except the last), so the
			// value itself starts its bin.
			for _, c := range cuts[:len(cuts)-1] {
				if _, found := slices.BinarySearch(v, c); !found {
					t.Fatalf("limit %d: cut %v is not a training value", limit, c)
				}
			}
		}
	})
	t.Run("all-missing", func(t *testing.T) {
		cuts, _ := cutsForSorted(nil, 256)
		if len(cuts) != 1 {
			t.Fatalf("cuts = %v, want one bin", cuts)
		}
	})
}

// TestIntegerSplitsAreExact trains on integer-valued features and checks
// that every split condition on them is one of the integers (so v < c sends
// exactly the smaller integers left) and that a clean step is found at its
// integer.
func TestIntegerSplitsAreExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 4000
	x := matrix.New(n, 2)
	y := make([]float32, n)
	for i := range n {
		a := float32(rng.IntN(10))
		b := float32(rng.IntN(1000))
		x.Row(i)[0], x.Row(i)[1] = a, b
		if a >= 7 {
			y[i] = 1
		}
	}
	p := DefaultParams()
	p.Rounds, p.MaxDepth = 5, 3
	m, err := Train(context.Background(), x, y, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := m.trees[0].nodes[0]
	if root.feature != 0 || root.threshold != 7 {
		t.Fatalf("root split %d < %v, want 0 < 7", root.feature, root.threshold)
	}
	for ti, tr := range m.trees {
		for _, nd := range tr.nodes {
			if v := float64(nd.threshold); v != math.Trunc(v) {
				t.Fatalf("tree %d: split %d < %v is not at an integer", ti, nd.feature, v)
			}
		}
	}
	for _, v := range []float32{6, 6.999, 7, 7.5} {
		got := m.PredictRow([]float32{v, 0}) > 0.5
		if want := v >= 7; got != want {
			t.Errorf("x = %v: positive = %v, want %v", v, got, want)
		}
	}
}

// TestRoutingMatchesBins checks, on mixed data, that every training row
// reaches the same leaf by its values (as prediction and XGBoost route it)
// as by its bins (as training did): the margins after training equal the
// model's predictions.
func TestRoutingMatchesBins(t *testing.T) {
	x, y := synthetic(3000, 10, 21)
	p := DefaultParams()
	p.Rounds, p.MaxBin, p.Subsample = 20, 32, 0.7
	bm := newBinnedMatrix(x, p.MaxBin, 2)
	g := newGrower(bm, p, 2)
	margin := make([]float32, x.Rows)
	for i := range margin {
		margin[i] = logit32(p.BaseScore)
	}
	gp := make([]gradPair, x.Rows)
	m := newModel(x.Cols, p)
	for tr := 0; tr < p.Rounds; tr++ {
		gradients(margin, y, p.ScalePosWeight, g.sc, gp, 2)
		tree, nodes := g.grow(tr, gp)
		m.appendTree(tree)
		// Rows of the sample: the leaf their bins reached.
		for _, n := range nodes {
			if !n.isLeaf {
				continue
			}
			for _, r := range g.part.rows[n.lo:n.hi] {
				if v := tree.leafValue(x.Row(int(r))); v != n.value {
					t.Fatalf("tree %d row %d: value routing gives leaf %v, bins gave %v", tr, r, v, n.value)
				}
			}
		}
		g.updateMargins(x, nodes, &m.trees[len(m.trees)-1], margin)
	}
	out := make([]float64, x.Rows)
	if err := m.Predict(x, out); err != nil {
		t.Fatal(err)
	}
	for i := range out {
		if want := float64(sigmoid32(margin[i])); out[i] != want {
			t.Fatalf("row %d: Predict %v, training margin gives %v", i, out[i], want)
		}
	}
}

// TestMissingDefaultDirection builds data where a missing value behaves
// like a high value, then like a low one, and checks the learned default
// direction and the predictions of rows with NaN.
func TestMissingDefaultDirection(t *testing.T) {
	nan := float32(math.NaN())
	for _, tc := range []struct {
		name        string
		positive    func(v float32) bool // label of a present value
		defaultLeft bool
	}{
		{"missing-like-high", func(v float32) bool { return v >= 5 }, false},
		{"missing-like-low", func(v float32) bool { return v < 5 }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			const n = 3000
			x := matrix.New(n, 1)
			y := make([]float32, n)
			for i := range n {
				if rng.Float64() < 0.3 {
					x.Values[i], y[i] = nan, 1 // missing rows are positive
					continue
				}
				v := float32(rng.IntN(10))
				x.Values[i] = v
				if tc.positive(v) {
					y[i] = 1
				}
			}
			p := DefaultParams()
			p.Rounds, p.MaxDepth = 3, 1
			m, err := Train(context.Background(), x, y, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			root := m.trees[0].nodes[0]
			if root.threshold != 5 {
				t.Fatalf("root split < %v, want < 5", root.threshold)
			}
			if got := root.flags&flagDefaultLeft != 0; got != tc.defaultLeft {
				t.Fatalf("default left = %v, want %v", got, tc.defaultLeft)
			}
			if p := m.PredictRow([]float32{nan}); p < 0.5 {
				t.Errorf("P(missing) = %v, want > 0.5", p)
			}
		})
	}
}

// TestMissingUnseenInTraining: a feature without missing values in training
// sends a missing value right at predict time, as XGBoost does.
func TestMissingUnseenInTraining(t *testing.T) {
	x, y := tinyData()
	p := DefaultParams()
	p.Rounds, p.MaxDepth, p.MinChildWeight = 1, 1, 0
	m, err := Train(context.Background(), x, y, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.trees[0].nodes[0].flags&flagDefaultLeft != 0 {
		t.Fatal("default left, want right")
	}
	if got, want := m.PredictRow([]float32{float32(math.NaN())}), m.PredictRow([]float32{4}); got != want {
		t.Fatalf("P(NaN) = %v, want the right leaf's %v", got, want)
	}
}

// binOf returns the bin of value v (not NaN) by binary search: the number of
// cuts <= v. Training assigns bins by a sweep over sorted values; this is the
// definition it must agree with.
func binOf(cuts []float32, v float32) int {
	lo, n := 0, len(cuts)
	for n > 0 {
		half := n / 2
		if cuts[lo+half] <= v {
			lo += half + 1
			n -= half + 1
		} else {
			n = half
		}
	}
	return lo
}

// TestBinnedMatrixCodes checks every code of a quantised matrix against
// binOf, the missing code, the bin limits, and that the result does not
// depend on the number of threads.
func TestBinnedMatrixCodes(t *testing.T) {
	x, _ := synthetic(5000, 10, 71)
	x.Row(17)[0] = float32(math.Copysign(0, -1)) // -0 must bin like +0
	for _, maxBin := range []int{8, 256} {
		bm := newBinnedMatrix(x, maxBin, 1)
		other := newBinnedMatrix(x, maxBin, 3)
		if !slices.Equal(bm.rowCodes, other.rowCodes) {
			t.Fatalf("max_bin %d: codes depend on threads", maxBin)
		}
		for f := range x.Cols {
			cuts := bm.bins.cuts[f]
			if len(cuts) > maxBin {
				t.Fatalf("feature %d: %d bins > max_bin %d", f, len(cuts), maxBin)
			}
			for r := range x.Rows {
				v := x.Row(r)[f]
				want := uint8(len(cuts)) // missing
				if v == v {
					want = uint8(binOf(cuts, v))
				}
				if got := bm.rowCodes[r*x.Cols+f]; got != want {
					t.Fatalf("max_bin %d feature %d row %d (%v): code %d, want %d", maxBin, f, r, v, got, want)
				}
			}
		}
	}
}
