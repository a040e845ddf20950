package forest

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/training/matrix"
)

// matrixOf builds a matrix from rows.
func matrixOf(rows [][]float32) *matrix.Matrix {
	m := matrix.New(len(rows), len(rows[0]))
	for i, r := range rows {
		copy(m.Row(i), r)
	}
	return m
}

func mustTrain(t *testing.T, x *matrix.Matrix, y []float32, p Params) *Model {
	t.Helper()
	m, err := Train(context.Background(), x, y, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// stumpParams grows one deterministic tree: every row, every feature.
func stumpParams(depth int) Params {
	p := DefaultParams()
	p.Trees, p.Bootstrap, p.MaxFeatures, p.MaxDepth = 1, false, "all", depth
	return p
}

// TestStumpOnSeparableData: x = 0..9, y = x >= 5. The only pure split is
// between 4 and 5, at the midpoint 4.5 (scikit-learn's "x <= 4.5", stored as
// "x < the next float32 above 4.5"); the leaves vote 0 and 1.
func TestStumpOnSeparableData(t *testing.T) {
	var rows [][]float32
	var y []float32
	for i := range 10 {
		rows = append(rows, []float32{float32(i), float32(i % 3)}) // feature 1 is noise
		y = append(y, float32(b2f(i >= 5)))
	}
	m := mustTrain(t, matrixOf(rows), y, stumpParams(0))
	tr := m.trees[0]
	if len(tr.nodes) != 1 || len(tr.leafValue) != 2 {
		t.Fatalf("%d nodes, %d leaves; want a stump", len(tr.nodes), len(tr.leafValue))
	}
	n := tr.nodes[0]
	if want := math.Nextafter32(4.5, 5); n.featureIndex() != 0 || n.threshold != want {
		t.Fatalf("split on feature %d at %v, want feature 0 at %v", n.featureIndex(), n.threshold, want)
	}
	if tr.leafValue[^n.left] != 0 || tr.leafValue[^n.right] != 1 || tr.nodeValue[0] != 0.5 {
		t.Fatalf("root %v, leaves %v / %v", tr.nodeValue[0], tr.leafValue[^n.left], tr.leafValue[^n.right])
	}
	if tr.leafWeight[^n.left] != 5 || tr.leafWeight[^n.right] != 5 || tr.nodeWeight[0] != 10 {
		t.Fatalf("weights: root %v, leaves %v / %v", tr.nodeWeight[0], tr.leafWeight[^n.left], tr.leafWeight[^n.right])
	}
	for _, tc := range []struct {
		v    float32
		want float64
	}{{4, 0}, {4.49, 0}, {4.5, 0}, {4.5000005, 1}, {4.51, 1}, {7, 1}, {-100, 0}} {
		if got := m.PredictRow([]float32{tc.v, 0}); got != tc.want {
			t.Errorf("PredictRow(%v) = %v, want %v", tc.v, got, tc.want)
		}
	}
	// No missing values in training: NaN goes to the side with more
	// samples, left on a tie (5 / 5).
	if got := m.PredictRow([]float32{float32(math.NaN()), 0}); got != 0 {
		t.Errorf("PredictRow(NaN) = %v, want 0 (left on a tie)", got)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// leafRows routes every row of x through tree t and counts rows per leaf.
func leafRows(t *tree, x *matrix.Matrix) []int {
	counts := make([]int, len(t.leafValue))
	for r := range x.Rows {
		counts[t.leafIndex(x.Row(r))]++
	}
	return counts
}

// TestMinSamplesLeafRespected: without bootstrap every training row is in
// every tree, so each leaf must receive at least min_samples_leaf of them;
// with min_samples_leaf 1 some leaf holds a single row.
func TestMinSamplesLeafRespected(t *testing.T) {
	x, y := synthetic(3000, 8, 21, true)
	for _, msl := range []int{1, 7, 40} {
		p := DefaultParams()
		p.Trees, p.Bootstrap, p.MinSamplesLeaf, p.Seed = 5, false, msl, 3
		m := mustTrain(t, x, y, p)
		smallest := x.Rows
		for i := range m.trees {
			for leaf, c := range leafRows(&m.trees[i], x) {
				if c < msl {
					t.Fatalf("min_samples_leaf %d: tree %d leaf %d holds %d rows", msl, i, leaf, c)
				}
				if w := m.trees[i].leafWeight[leaf]; w != float32(c) {
					t.Fatalf("tree %d leaf %d: weight %v, %d rows", i, leaf, w, c)
				}
				smallest = min(smallest, c)
			}
		}
		if msl == 1 && smallest != 1 {
			t.Errorf("min_samples_leaf 1: smallest leaf holds %d rows, want 1 (trees grow until pure)", smallest)
		}
		if msl > 1 && smallest > 2*msl {
			t.Errorf("min_samples_leaf %d: smallest leaf holds %d rows; the limit never bound", msl, smallest)
		}
	}
}

// TestMinSamplesSplitRespected: no split node holds fewer rows than
// min_samples_split.
func TestMinSamplesSplitRespected(t *testing.T) {
	x, y := synthetic(3000, 8, 22, false)
	p := DefaultParams()
	p.Trees, p.Bootstrap, p.MinSamplesSplit = 4, false, 50
	m := mustTrain(t, x, y, p)
	for i := range m.trees {
		for j, w := range m.trees[i].nodeWeight {
			if w < 50 {
				t.Fatalf("tree %d node %d holds %v rows, min_samples_split is 50", i, j, w)
			}
		}
	}
}

// TestMaxDepthRespected: trees stop at max_depth and reach it on data that
// needs deeper trees; unlimited depth goes deeper.
func TestMaxDepthRespected(t *testing.T) {
	x, y := synthetic(4000, 10, 23, true)
	for _, d := range []int{1, 3, 7} {
		p := DefaultParams()
		p.Trees, p.MaxDepth = 10, d
		m := mustTrain(t, x, y, p)
		if got := m.MaxDepth(); got != d {
			t.Errorf("max_depth %d: deepest tree has depth %d", d, got)
		}
		for i := range m.trees {
			if got := m.trees[i].depth(); got > d {
				t.Fatalf("max_depth %d: tree %d has depth %d", d, i, got)
			}
		}
	}
	p := DefaultParams()
	p.Trees = 3
	if got := mustTrain(t, x, y, p).MaxDepth(); got <= 7 {
		t.Errorf("unlimited depth reached only %d", got)
	}
}

// TestBalancedWeightsChangeTheSplit: 90 negatives, 10 positives and two
// binary features. Feature 0 isolates 85 negatives and 1 positive from 5
// negatives and 9 positives; feature 1 puts all 10 positives with 10
// negatives against 80 negatives. Unweighted Gini prefers feature 0
// (Σw²/W: 91.59 against 90.00); with balanced weights (0.556 and 5)
// feature 1 wins (90.00 against 85.72).
func TestBalancedWeightsChangeTheSplit(t *testing.T) {
	var rows [][]float32
	var y []float32
	add := func(n int, a, b, label float32) {
		for range n {
			rows = append(rows, []float32{a, b})
			y = append(y, label)
		}
	}
	add(9, 1, 0, 1) // positives
	add(1, 0, 0, 1)
	add(5, 1, 1, 0) // negatives: 5 with a = 1
	add(10, 0, 0, 0)
	add(75, 0, 1, 0)
	x := matrixOf(rows)
	p := stumpParams(1)
	if f := mustTrain(t, x, y, p).trees[0].nodes[0].featureIndex(); f != 0 {
		t.Fatalf("unweighted: split on feature %d, want 0", f)
	}
	p.ClassWeight = ClassWeightBalanced
	m := mustTrain(t, x, y, p)
	tr := m.trees[0]
	if f := tr.nodes[0].featureIndex(); f != 1 {
		t.Fatalf("balanced: split on feature %d, want 1", f)
	}
	// The root's weighted share of positives is 1/2 by construction; the
	// left leaf (b = 0: 10 negatives, 10 positives) has 50 / (50 + 5.56).
	if v := tr.nodeValue[0]; math.Abs(float64(v)-0.5) > 1e-6 {
		t.Errorf("balanced root value %v, want 0.5", v)
	}
	want := 50 / (50 + 10*100/180.0)
	if v := tr.leafValue[^tr.nodes[0].left]; math.Abs(float64(v)-want) > 1e-6 {
		t.Errorf("balanced left leaf value %v, want %v", v, want)
	}
}

// TestMissingValuesLearnDirection: the label is "feature 0 is missing or
// above 2"; the tree must send NaN with the high values.
func TestMissingValuesLearnDirection(t *testing.T) {
	var rows [][]float32
	var y []float32
	nan := float32(math.NaN())
	for i := range 60 {
		v := float32(i % 5) // 0..4
		label := float32(b2f(v > 2))
		if i%4 == 0 {
			v, label = nan, 1
		}
		rows = append(rows, []float32{v})
		y = append(y, label)
	}
	m := mustTrain(t, matrixOf(rows), y, stumpParams(1))
	n := m.trees[0].nodes[0]
	if !(n.threshold > 2 && n.threshold <= 3) || n.defaultLeft() {
		t.Fatalf("split at %v default left %v, want (2, 3] with missing right", n.threshold, n.defaultLeft())
	}
	if got := m.PredictRow([]float32{nan}); got != 1 {
		t.Errorf("PredictRow(NaN) = %v, want 1", got)
	}
	if got := m.PredictRow([]float32{1}); got != 0 {
		t.Errorf("PredictRow(1) = %v, want 0", got)
	}
	// Missingness alone: a split that sends only NaN one way.
	rows, y = nil, nil
	for i := range 40 {
		v, label := float32(i%7), float32(0)
		if i%3 == 0 {
			v, label = nan, 1
		}
		rows = append(rows, []float32{v})
		y = append(y, label)
	}
	m = mustTrain(t, matrixOf(rows), y, stumpParams(1))
	n = m.trees[0].nodes[0]
	if !n.defaultLeft() || n.threshold != -math.MaxFloat32 {
		t.Fatalf("split at %v default left %v, want only missing values left", n.threshold, n.defaultLeft())
	}
	for _, v := range []float32{-1e30, 0, 6, 1e30} {
		if got := m.PredictRow([]float32{v}); got != 0 {
			t.Errorf("PredictRow(%v) = %v, want 0", v, got)
		}
	}
	if got := m.PredictRow([]float32{nan}); got != 1 {
		t.Errorf("PredictRow(NaN) = %v, want 1", got)
	}
}

// TestMaxFeaturesPerSplit checks scikit-learn's feature counts.
func TestMaxFeaturesPerSplit(t *testing.T) {
	for _, tc := range []struct {
		s    string
		F    int
		want int
	}{
		{"sqrt", 44, 6}, {"sqrt", 3, 1}, {"log2", 44, 5}, {"log2", 1, 1}, {"all", 44, 44},
		{"0.3", 44, 13}, {"0.01", 44, 1}, {"1.0", 44, 44}, {"1", 44, 1}, {"5", 44, 5}, {"44", 44, 44},
	} {
		mf, err := parseMaxFeatures(tc.s)
		if err != nil {
			t.Fatalf("%q: %v", tc.s, err)
		}
		if got, err := mf.perSplit(tc.F); err != nil || got != tc.want {
			t.Errorf("max_features %q of %d: %d, %v; want %d", tc.s, tc.F, got, err, tc.want)
		}
	}
	mf, _ := parseMaxFeatures("45")
	if _, err := mf.perSplit(44); err == nil {
		t.Error("max_features 45 of 44 features accepted")
	}
}

func TestTrainRejectsBadInput(t *testing.T) {
	x, y := synthetic(200, 4, 24, false)
	p := DefaultParams()
	p.Trees = 2
	ctx := context.Background()
	bad := func(name string, x *matrix.Matrix, y []float32, p Params, want string) {
		t.Helper()
		_, err := Train(ctx, x, y, p, Options{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, want)
		}
	}
	bad("label count", x, y[:10], p, "10 labels for 200 rows")
	y2 := append([]float32(nil), y...)
	y2[7] = 0.5
	bad("soft label", x, y2, p, "label of row 7 is 0.5")
	bad("one class", x, make([]float32, 200), p, "both classes")
	x2 := &matrix.Matrix{Rows: x.Rows, Cols: x.Cols, Values: append([]float32(nil), x.Values...)}
	x2.Values[4*3+2] = float32(math.Inf(1))
	bad("infinite value", x2, y, p, "row 3 feature 2 is +Inf")
	bad("shape", &matrix.Matrix{Rows: 3, Cols: 2, Values: make([]float32, 5)}, y[:3], p, "5 values")
	q := p
	q.MaxFeatures = "9"
	bad("max_features", x, y, q, "max_features = 9, but the data has only 4 features")
	q = p
	q.MinSamplesLeaf = 0
	bad("params", x, y, q, "min_samples_leaf")
}

func TestTrainCancelledAndProgress(t *testing.T) {
	x, y := synthetic(2000, 6, 25, false)
	p := DefaultParams()
	p.Trees, p.Threads = 20, 2
	var calls []int
	m, err := Train(context.Background(), x, y, p, Options{Progress: func(done int) error {
		calls = append(calls, done)
		return nil
	}})
	if err != nil || m.NumTrees() != 20 {
		t.Fatalf("Train: %v", err)
	}
	for i, c := range calls {
		if c != i+1 {
			t.Fatalf("Progress calls %v, want 1..20 in order", calls)
		}
	}
	if len(calls) != 20 {
		t.Fatalf("%d Progress calls, want 20", len(calls))
	}
	errStop := errors.New("worker lost")
	_, err = Train(context.Background(), x, y, p, Options{Progress: func(done int) error {
		if done == 3 {
			return errStop
		}
		return nil
	}})
	if !errors.Is(err, errStop) {
		t.Fatalf("err = %v, want the Progress error", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, err = Train(ctx, x, y, p, Options{Progress: func(done int) error {
		if done == 2 {
			cancel()
		}
		return nil
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestPredictMatchesPredictRow: the batch path gives every row exactly the
// single-row result, and rejects bad shapes.
func TestPredictMatchesPredictRow(t *testing.T) {
	x, y := synthetic(3000, 9, 26, true)
	p := DefaultParams()
	p.Trees = 15
	m := mustTrain(t, x, y, p)
	xt, _ := synthetic(1003, 9, 27, true)
	out := make([]float64, xt.Rows)
	if err := m.Predict(xt, out); err != nil {
		t.Fatal(err)
	}
	for r := range xt.Rows {
		if want := m.PredictRow(xt.Row(r)); out[r] != want {
			t.Fatalf("row %d: Predict %v, PredictRow %v", r, out[r], want)
		}
		if !(out[r] >= 0 && out[r] <= 1) {
			t.Fatalf("row %d: probability %v", r, out[r])
		}
	}
	if err := m.Predict(xt, out[:10]); err == nil {
		t.Error("short output accepted")
	}
	if err := m.Predict(matrix.New(3, 8), out); err == nil {
		t.Error("wrong feature count accepted")
	}
}

func TestBinLowerBounds(t *testing.T) {
	got := binLowerBounds([]float32{1, 1, 2, 3, 3, 3, 7}, 8)
	if want := []float32{1, 2, 3, 7}; !equal32(got, want) {
		t.Errorf("distinct: %v, want %v", got, want)
	}
	sorted := make([]float32, 1000)
	for i := range sorted {
		sorted[i] = float32(i)
	}
	got = binLowerBounds(sorted, 4)
	if want := []float32{0, 250, 500, 750}; !equal32(got, want) {
		t.Errorf("quantiles: %v, want %v", got, want)
	}
	if got := binLowerBounds(nil, 4); got != nil {
		t.Errorf("empty: %v", got)
	}
	for _, tc := range [][2]float32{{1, 2}, {0, 1e-30}, {-3, -1}, {1, math.Nextafter32(1, 2)}, {-math.MaxFloat32, math.MaxFloat32}} {
		a, b := tc[0], tc[1]
		m := midpoint(a, b)
		mid := (float64(a) + float64(b)) / 2
		if !(m > a && m <= b) || !(float64(m) > mid) || float64(math.Nextafter32(m, float32(math.Inf(-1)))) > mid {
			t.Errorf("midpoint(%v, %v) = %v: want the smallest float32 above %v", a, b, m, mid)
		}
	}
}

func equal32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestBinCodeWidth: with max_bin <= 256 codes are bytes even when features
// have missing values (at most 255 value bins then); more bins take 16 bits.
func TestBinCodeWidth(t *testing.T) {
	x, _ := synthetic(5000, 10, 28, true)
	bm := newBinnedMatrix(x, 256, 2)
	if bm.codes8 == nil || bm.codes16 != nil {
		t.Fatal("max_bin 256: codes are not bytes")
	}
	for f, nb := range bm.nbins {
		if nb > 256 || (f%5 == 3 && nb > 255) {
			t.Errorf("feature %d: %d bins", f, nb)
		}
	}
	bm = newBinnedMatrix(x, 4096, 2)
	if bm.codes16 == nil || bm.codes8 != nil || bm.nbins[0] <= 256 {
		t.Fatalf("max_bin 4096: 16-bit codes expected, feature 0 has %d bins", bm.nbins[0])
	}
	// Training routes rows as prediction does: a tree grown without
	// bootstrap on exact bins puts every training row in a leaf whose
	// weight counts it.
	p := stumpParams(0)
	p.MaxBin = 4096
	xs, ys := synthetic(2000, 6, 29, true)
	m := mustTrain(t, xs, ys, p)
	for leaf, c := range leafRows(&m.trees[0], xs) {
		if w := m.trees[0].leafWeight[leaf]; w != float32(c) {
			t.Fatalf("leaf %d: weight %v, %d training rows routed there", leaf, w, c)
		}
	}
}
