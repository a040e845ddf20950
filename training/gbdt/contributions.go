package gbdt

import (
	"fmt"

	"github.com/mlctl/mlctl/training/explain"
)

// Per-feature path contributions (Saabas; XGBoost's predict with
// pred_contribs=True, approx_contribs=True).
//
// Every node of a tree has a value: a leaf its leaf value, a split node the
// mean of its children's values weighted by their covers (hessian sums), as
// XGBoost's FillNodeMeanValues computes it in float32. A row's walk from the
// root to its leaf changes the value at each step; the change is credited to
// the feature the step's split tests. The root's value goes to the bias, so
// per tree the credits add up to the leaf value, and over the model the bias
// (base margin plus every root's value) and the features' credits add up to
// the row's margin.
//
// XGBoost ignores base_weights here (the nodes' own weights, which for split
// nodes are before the learning rate): the node values are the cover-weighted
// means of the leaves, which are after it.

// nodeMeans returns the value of each split node of t: (mean(left)·cover(left)
// + mean(right)·cover(right)) / cover(node) in float32, as XGBoost rounds it.
// A node whose cover is not positive, where XGBoost's division gives NaN or
// ±Inf, gets the plain mean of its children instead, so that contributions
// stay finite.
func (t *tree) nodeMeans() []float32 {
	means := make([]float32, len(t.nodes))
	// Children come after their parent in the depth-first layout.
	for j := len(t.nodes) - 1; j >= 0; j-- {
		n := &t.nodes[j]
		lv, lc := t.childMean(means, n.left, n.flags&flagLeftLeaf != 0)
		rv, rc := t.childMean(means, n.right, n.flags&flagRightLeaf != 0)
		if n.cover > 0 {
			// The conversions round each product, as XGBoost's float
			// arithmetic does (Go could otherwise fuse a multiply-add).
			s := float32(lv*lc) + float32(rv*rc)
			means[j] = float32(s / n.cover)
		} else {
			means[j] = (lv + rv) / 2
		}
	}
	return means
}

// childMean returns the value and cover of a child of a split node.
func (t *tree) childMean(means []float32, i uint32, isLeaf bool) (value, cover float32) {
	if isLeaf {
		return t.leaves[i].value, t.leaves[i].cover
	}
	return means[i], t.nodes[i].cover
}

// Contributions writes the path contributions of one row (NumFeatures
// values, NaN for missing) to out, which must have NumFeatures()+1
// elements: out[f] is the sum over trees of the changes in node value along
// the row's path at splits on feature f, and out[NumFeatures()] is the bias,
// the base margin plus every tree's root value. All are in margin (logit)
// space and add up to the row's margin, the logit of PredictRow. A row goes
// left when value < threshold, a missing value as the node's default says,
// as in prediction. The values match XGBoost's
// predict(pred_contribs=True, approx_contribs=True) on the model written by
// WriteXGBoostJSON, up to XGBoost's float32 rounding: this sums in float64.
//
// Contributions allocates nothing and is safe for concurrent use.
func (m *Model) Contributions(row []float32, out []float64) error {
	F := m.numFeatures
	if len(row) != F {
		return fmt.Errorf("gbdt: row has %d features, model wants %d", len(row), F)
	}
	if len(out) != F+1 {
		return fmt.Errorf("gbdt: contributions need %d values (features + bias), output has %d", F+1, len(out))
	}
	clear(out)
	bias := float64(m.baseMargin)
	for ti := range m.trees {
		t := &m.trees[ti]
		if len(t.nodes) == 0 {
			bias += float64(t.leaves[0].value)
			continue
		}
		value := float64(t.means[0])
		bias += value
		i := uint32(0)
		for {
			n := &t.nodes[i]
			v := row[n.feature]
			left := v < n.threshold
			if v != v {
				left = n.flags&flagDefaultLeft != 0
			}
			child, isLeaf := n.right, n.flags&flagRightLeaf != 0
			if left {
				child, isLeaf = n.left, n.flags&flagLeftLeaf != 0
			}
			var next float64
			if isLeaf {
				next = float64(t.leaves[child].value)
			} else {
				next = float64(t.means[child])
			}
			out[n.feature] += next - value
			if isLeaf {
				break
			}
			value, i = next, child
		}
	}
	out[F] = bias
	return nil
}

// Contribution is one feature's path contribution to a row's margin.
type Contribution = explain.Contribution

// TopContributions returns the at most k features whose contributions to
// the row's margin (see Contributions) are largest and positive, largest
// first, a lower feature index first among equal values. The bias is not a
// feature and is never returned. scratch holds the contributions when it
// has room for NumFeatures()+1 values (they are left in
// scratch[:NumFeatures()+1]); otherwise TopContributions allocates. It
// returns an error when row does not have NumFeatures values, and nil for
// k <= 0 or when no feature pushed the margin up.
func (m *Model) TopContributions(row []float32, k int, scratch []float64) ([]Contribution, error) {
	return explain.TopOf(m.numFeatures, k, scratch, func(c []float64) error { return m.Contributions(row, c) })
}
