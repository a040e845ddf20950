package iforest

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/mlctl/mlctl/training/matrix"
)

// c(n) as sklearn.ensemble._iforest._average_path_length gives it
// (printed with repr by sklearn 1.2.1).
var sklearnC = map[int]float64{
	1: 0, 2: 1, 3: 1.207392357589623, 4: 1.8516559071392846, 5: 2.327020052042847,
	10: 3.748880484475504, 100: 8.364671030072245, 256: 10.244770920119917,
	1000: 12.969940887100172, 4096: 15.789963603627406,
}

func TestAveragePathLength(t *testing.T) {
	for n, want := range sklearnC {
		if got := AveragePathLength(n); math.Abs(got-want) > 1e-14*max(1, want) {
			t.Errorf("c(%d) = %.17g, sklearn %.17g", n, got, want)
		}
	}
	// By hand: c(3) = 2(ln 2 + γ) - 4/3.
	if got, want := AveragePathLength(3), 2*(math.Ln2+0.5772156649015329)-4.0/3; got != want {
		t.Errorf("c(3) = %v, want %v", got, want)
	}
	if AveragePathLength(0) != 0 || AveragePathLength(-5) != 0 {
		t.Error("c(n <= 1) is not 0")
	}
	for psi, want := range map[int]int{1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 255: 8, 256: 8, 257: 9, 4096: 12} {
		if got := depthLimit(psi); got != want {
			t.Errorf("depth limit for ψ = %d: %d, want %d", psi, got, want)
		}
	}
}

// handForest is a forest whose scores are worked out by hand: ψ = 4 (c(4)
// = 1.8516559071392846), two trees, two features, contamination "auto"
// (offset -0.5),
//
//	tree 0: node 0, f0 ≤ 1.5 (4 samples)
//	          ≤: node 1, f1 ≤ 0 (3 samples)
//	               ≤: node 3, leaf of 1 sample at depth 2: h = 2 + c(1) = 2
//	               >: node 4, leaf of 2 samples at depth 2: h = 2 + c(2) = 3
//	          >: node 2, leaf of 1 sample at depth 1: h = 1
//	tree 1: a single leaf of 4 samples (nothing varied): h = c(4)
const handForest = `{"format":"mlctl-iforest","format_version":1,"num_features":2,
"params":{"anomaly_percentile":"5","bootstrap":"false","contamination":"auto","max_features":"1.0",
"max_samples":"4","min_valid_feature_ratio":"0.5","n_estimators":"2","seed":"0","threshold":"-0.03"},
"samples_per_tree":4,"max_depth":2,"offset":-0.5,"threshold":-0.03,
"validation":{"features":2,"kept":[0,1],"dropped":[],"min_ratio":0.5},
"trees":[
{"feature":[0,1,0,0,0],"threshold":[1.5,0,0,0,0],"left":[1,3,-1,-1,-1],"size":[4,3,1,1,2]},
{"feature":[0],"threshold":[0],"left":[-1],"size":[4]}]}`

func loadHand(t *testing.T) *Model {
	t.Helper()
	var m Model
	if err := json.Unmarshal([]byte(handForest), &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

func TestScoreHandForest(t *testing.T) {
	m := loadHand(t)
	nan := float32(math.NaN())
	c4 := sklearnC[4]
	for _, tc := range []struct {
		row  []float32
		h0   float64 // path length in tree 0
		want float64 // -2^(-(h0 + c(4))/(2·c(4))), evaluated by Python
	}{
		{[]float32{5, 0}, 1, -0.5864058610633222},
		{[]float32{0, -1}, 2, -0.4863082112045206},
		// A value equal to the threshold goes to the first child.
		{[]float32{1.5, 0.5}, 3, -0.40329691769469367},
		{[]float32{1.5, 0}, 2, -0.4863082112045206},
		{[]float32{math.Nextafter32(1.5, 2), 0}, 1, -0.5864058610633222},
		// Missing values go to the first child.
		{[]float32{nan, nan}, 2, -0.4863082112045206},
		{[]float32{float32(math.Inf(1)), nan}, 1, -0.5864058610633222},
	} {
		want := -math.Exp2(-(tc.h0 + c4) / (2 * c4))
		if math.Abs(want-tc.want) > 1e-15 {
			t.Fatalf("test table: %v vs %v", want, tc.want)
		}
		got, err := m.ScoreRow(tc.row)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-15 {
			t.Errorf("ScoreRow(%v) = %.17g, want %.17g (h = %v in tree 0)", tc.row, got, want, tc.h0)
		}
		// The block walk (8 rows at a time) agrees with the single-row one.
		x := matrix.New(19, 2)
		for r := range x.Rows {
			copy(x.Row(r), tc.row)
		}
		out := make([]float64, x.Rows)
		if err := m.ScoreSamples(x, out); err != nil {
			t.Fatal(err)
		}
		for r, v := range out {
			if v != got {
				t.Fatalf("ScoreSamples row %d of %v: %v, ScoreRow %v", r, tc.row, v, got)
			}
		}
	}
	if _, err := m.ScoreRow([]float32{1}); err == nil {
		t.Error("ScoreRow accepted a row of 1 feature for a model of 2")
	}
	if err := m.ScoreSamples(matrix.New(3, 3), make([]float64, 3)); err == nil {
		t.Error("ScoreSamples accepted 3 columns for a model of 2")
	}
	if err := m.ScoreSamples(matrix.New(3, 2), make([]float64, 2)); err == nil {
		t.Error("ScoreSamples accepted an output shorter than the rows")
	}
}

// TestTrainHandChecked trains on baselines whose every tree is forced, so
// the scores can be worked out by hand.
func TestTrainHandChecked(t *testing.T) {
	ctx := context.Background()
	p := DefaultParams()
	p.Trees = 7

	// Two rows: ψ = 2, depth limit 1; each tree splits them into two leaves
	// of one sample at depth 1, h = 1 = c(2): every score is -2^-1.
	x := &matrix.Matrix{Rows: 2, Cols: 1, Values: []float32{0, 1}}
	m, err := Train(ctx, x, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []float32{-10, 0, 0.5, 1, 10} {
		if s, _ := m.ScoreRow([]float32{v}); s != -0.5 {
			t.Errorf("two-row forest: score of %v = %v, want -0.5", v, s)
		}
	}

	// Three rows 0, 0, 1 on one feature and a constant one: ψ = 3, depth
	// limit 2. The root's threshold falls in [0, 1): the 0s go to a leaf
	// of 2 samples at depth 1 (they are equal: no further split),
	// h = 1 + c(2) = 2; the 1 to a leaf of 1 sample, h = 1.
	x = &matrix.Matrix{Rows: 3, Cols: 2, Values: []float32{0, 7, 0, 7, 1, 7}}
	m, err = Train(ctx, x, p, Options{FeatureNames: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	c3 := sklearnC[3]
	for _, tc := range []struct {
		v    float32
		want float64 // -2^(-h/c(3)), evaluated by Python
	}{{0, -0.3172160416207152}, {1, -0.5632193547994557}, {-3, -0.3172160416207152}, {4, -0.5632193547994557}} {
		s, err := m.ScoreRow([]float32{tc.v, 7})
		if err != nil {
			t.Fatal(err)
		}
		h := 2.0
		if tc.v >= 1 {
			h = 1
		}
		if math.Abs(s-tc.want) > 1e-15 || math.Abs(s+math.Exp2(-h/c3)) > 1e-15 {
			t.Errorf("score of %v = %.17g, want %.17g", tc.v, s, tc.want)
		}
	}
	if got := m.Validation().Dropped; len(got) != 1 || got[0].Name != "b" || got[0].Reason != ReasonConstant || got[0].Value != 7 {
		t.Errorf("dropped %+v, want b (constant 7)", got)
	}
	// The baseline scores are -0.317, -0.317 and -0.563: the offset is
	// their 2nd percentile (numpy's linear interpolation), and the
	// normalised scores are 0, 0 and -0.563 - offset.
	lo, hi := -0.5632193547994557, -0.3172160416207152
	wantOffset := lo + (hi-lo)*0.04
	if math.Abs(m.Offset()-wantOffset) > 1e-15 {
		t.Errorf("offset %v, want %v", m.Offset(), wantOffset)
	}
	wantThreshold := min(Percentile([]float64{lo - wantOffset, 0, 0}, 5), DefaultThreshold)
	if math.Abs(m.Threshold()-wantThreshold) > 1e-15 {
		t.Errorf("threshold %v, want %v", m.Threshold(), wantThreshold)
	}
}
