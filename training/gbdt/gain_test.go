package gbdt

import (
	"context"
	"math"
	"testing"

	"github.com/mlctl/mlctl/training/matrix"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestRegularizationFormulas checks XGBoost's CalcWeight/CalcGain by hand:
// G = -4, H = 3, lambda = 1.
func TestRegularizationFormulas(t *testing.T) {
	for _, tc := range []struct {
		name                string
		reg                 regularization
		g, h                float64
		weight, gain, child float64
	}{
		// w = -G/(H+λ) = 4/4; gain = G²/(H+λ) = 16/4.
		{"plain", regularization{lambda: 1}, -4, 3, 1, 4, 4},
		// L1: T(G) = G+α = -3; w = 3/4; gain = 9/4.
		{"alpha", regularization{lambda: 1, alpha: 1}, -4, 3, 0.75, 2.25, 2.25},
		// |G| <= α: soft thresholding zeroes both.
		{"alpha-swallows", regularization{lambda: 1, alpha: 5}, -4, 3, 0, 0, 0},
		// H < min_child_weight: the node's own weight and score are 0, the
		// split-side score (CalcGainGivenWeight) is not.
		{"min_child_weight", regularization{lambda: 1, minChildWeight: 5}, -4, 3, 0, 0, 4},
		{"min_child_weight-equal", regularization{lambda: 1, minChildWeight: 3}, -4, 3, 1, 4, 4},
		{"lambda", regularization{lambda: 5}, 6, 3, -0.75, 4.5, 4.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if w := tc.reg.weight(tc.g, tc.h); !near(w, tc.weight, 1e-12) {
				t.Errorf("weight = %v, want %v", w, tc.weight)
			}
			if g := tc.reg.nodeGain(tc.g, tc.h); !near(g, tc.gain, 1e-12) {
				t.Errorf("nodeGain = %v, want %v", g, tc.gain)
			}
			if g := tc.reg.childGain(tc.g, tc.h); !near(g, tc.child, 1e-12) {
				t.Errorf("childGain = %v, want %v", g, tc.child)
			}
		})
	}
}

// tinyData: one feature 1..4, labels 0 0 1 1. At base_score 0.5 every
// gradient is p-y = ±0.5 and every hessian 0.25, so the split x < 3 has
// left (G, H) = (1, 0.5), right (-1, 0.5), parent (0, 1).
func tinyData() (*matrix.Matrix, []float32) {
	return &matrix.Matrix{Rows: 4, Cols: 1, Values: []float32{1, 2, 3, 4}}, []float32{0, 0, 1, 1}
}

// TestTinySplitByHand trains one stump and checks its split, gain and leaves
// against the formulas worked by hand.
func TestTinySplitByHand(t *testing.T) {
	x, y := tinyData()
	for _, tc := range []struct {
		name       string
		edit       func(*Params)
		split      bool
		gain       float64 // loss change of the root split
		leftLeaf   float64 // eta * weight
		rightLeaf  float64
		singleLeaf float64
	}{
		// gain = 1²/1.5 + 1²/1.5 - 0²/2; leaves ∓(1/1.5)·0.3.
		{"plain", func(*Params) {}, true, 4.0 / 3, -0.2, 0.2, 0},
		// α = 0.5: T(±1) = ±0.5: gain = 2·0.25/1.5; leaves ∓(0.5/1.5)·0.3.
		{"alpha", func(p *Params) { p.Alpha = 0.5 }, true, 1.0 / 3, -0.1, 0.1, 0},
		// Each child has H = 0.5: allowed at min_child_weight 0.5 ...
		{"mcw-equal", func(p *Params) { p.MinChildWeight = 0.5 }, true, 4.0 / 3, -0.2, 0.2, 0},
		// ... not at 0.6 (nor at XGBoost's default 1): the root stays a
		// leaf of weight -0/(1+1) = 0.
		{"mcw-above", func(p *Params) { p.MinChildWeight = 0.6 }, false, 0, 0, 0, 0},
		{"mcw-default", func(p *Params) { p.MinChildWeight = 1 }, false, 0, 0, 0, 0},
		// gamma above the gain: no split.
		{"gamma", func(p *Params) { p.Gamma = 1.4 }, false, 0, 0, 0, 0},
		{"gamma-below", func(p *Params) { p.Gamma = 1.3 }, true, 4.0 / 3, -0.2, 0.2, 0},
		// scale_pos_weight 3: right (G, H) = (-3, 1.5), parent (-2, 2):
		// gain = 1/1.5 + 9/2.5 - 4/3; right leaf 3/2.5·0.3; and the stump
		// without a split would be 2/3·0.3.
		{"scale_pos_weight", func(p *Params) { p.ScalePosWeight = 3 }, true, 1/1.5 + 9/2.5 - 4.0/3, -0.2, 0.36, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultParams()
			p.Rounds, p.MaxDepth, p.Lambda, p.MinChildWeight = 1, 1, 1, 0
			tc.edit(&p)
			m, err := Train(context.Background(), x, y, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			tr := m.trees[0]
			if !tc.split {
				if len(tr.nodes) != 0 {
					t.Fatalf("got a split on %v, want a single leaf", tr.nodes[0].threshold)
				}
				if v := float64(tr.leaves[0].value); !near(v, tc.singleLeaf, 1e-7) {
					t.Fatalf("leaf = %v, want %v", v, tc.singleLeaf)
				}
				return
			}
			if len(tr.nodes) != 1 {
				t.Fatalf("%d split nodes, want 1", len(tr.nodes))
			}
			n := tr.nodes[0]
			if n.feature != 0 || n.threshold != 3 {
				t.Fatalf("split feature %d < %v, want 0 < 3", n.feature, n.threshold)
			}
			if !near(float64(n.gain), tc.gain, 1e-6) {
				t.Errorf("gain = %v, want %v", n.gain, tc.gain)
			}
			l, r := tr.leaves[n.left].value, tr.leaves[n.right].value
			if !near(float64(l), tc.leftLeaf, 1e-7) || !near(float64(r), tc.rightLeaf, 1e-7) {
				t.Errorf("leaves = %v, %v, want %v, %v", l, r, tc.leftLeaf, tc.rightLeaf)
			}
		})
	}
}

// TestFixedPointSums checks that gradient sums are exact enough: the root
// of the tiny data set sums to exactly (0, 1).
func TestFixedPointSums(t *testing.T) {
	sc := newFixedScale(1)
	margin := make([]float32, 4)
	_, y := tinyData()
	gp := make([]gradPair, 4)
	gradients(margin, y, 1, sc, gp, 1)
	var s gradSum
	for _, p := range gp {
		s = s.add(gradSum{int64(p.g), int64(p.h)})
	}
	if g, h := sc.float(s); g != 0 || h != 1 {
		t.Fatalf("root sums = (%v, %v), want (0, 1)", g, h)
	}
}
