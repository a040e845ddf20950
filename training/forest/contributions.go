package forest

import (
	"fmt"

	"github.com/mlctl/mlctl/training/explain"
)

// Per-feature path contributions (Saabas; the "treeinterpreter" method).
//
// Every node of a tree has a value, its class-weighted share of positive
// bootstrap samples, and a row's leaf value is its tree's vote. A row's walk
// from the root to its leaf changes the value at each step; the change is
// credited to the feature the step's split tests. The root's value goes to
// the bias, so per tree the credits and the root value add up to the leaf
// value; averaged over trees, the bias (mean root value) and the features'
// credits add up to the row's probability. Contributions are in probability
// units, not log-odds as gbdt's are.

// Contributions writes the path contributions of one row (NumFeatures
// values, NaN for missing) to out, which must have NumFeatures()+1
// elements: out[f] is the mean over trees of the changes in node value along
// the row's path at splits on feature f, and out[NumFeatures()] is the bias,
// the mean of the trees' root values. They add up to PredictRow's
// probability (up to float64 rounding). A row goes left and right as in
// prediction.
//
// Contributions allocates nothing and is safe for concurrent use.
func (m *Model) Contributions(row []float32, out []float64) error {
	F := m.numFeatures
	if len(row) != F {
		return fmt.Errorf("forest: row has %d features, model wants %d", len(row), F)
	}
	if len(out) != F+1 {
		return fmt.Errorf("forest: contributions need %d values (features + bias), output has %d", F+1, len(out))
	}
	clear(out)
	bias := 0.0
	for ti := range m.trees {
		t := &m.trees[ti]
		if len(t.nodes) == 0 {
			bias += float64(t.leafValue[0])
			continue
		}
		value := float64(t.nodeValue[0])
		bias += value
		i := int32(0)
		for {
			n := &t.nodes[i]
			c := n.right
			if n.goesLeft(row) {
				c = n.left
			}
			var next float64
			if c < 0 {
				next = float64(t.leafValue[^c])
			} else {
				next = float64(t.nodeValue[c])
			}
			out[n.featureIndex()] += next - value
			if c < 0 {
				break
			}
			value, i = next, c
		}
	}
	k := float64(len(m.trees))
	for f := range out[:F] {
		out[f] /= k
	}
	out[F] = bias / k
	return nil
}

// TopContributions returns the at most k features whose contributions to
// the row's probability (see Contributions) are largest and positive,
// largest first, a lower feature index first among equal values
// (explain.Top, as every tree model of mlctl explains). The bias is not a
// feature and is never returned. scratch holds the contributions when it
// has room for NumFeatures()+1 values (they are left in
// scratch[:NumFeatures()+1]); otherwise TopContributions allocates. It
// returns an error when row does not have NumFeatures values, and nil for
// k <= 0 or when no feature pushed the probability up.
func (m *Model) TopContributions(row []float32, k int, scratch []float64) ([]explain.Contribution, error) {
	return explain.TopOf(m.numFeatures, k, scratch, func(c []float64) error { return m.Contributions(row, c) })
}
