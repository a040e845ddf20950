package iforest

import (
	"fmt"

	"github.com/mlctl/mlctl/training/explain"
)

// Per-feature path attribution (the isolation forest's counterpart of
// Saabas contributions in training/gbdt).
//
// Every node v of a tree has an expected path length E(v) = depth(v) +
// c(size(v)): how long a row's path is expected to be once it reaches v,
// the rest of the way being a random tree over v's size(v) samples. At the
// root E is c(size(root)) (c(ψ) without bootstrap), at a leaf it is the
// row's path length h(x). Each step of a row's walk, from v to its child
// w, changes E by E(v) - E(w): positive when the split cut the row off
// from more samples than a level of a random tree would (the row isolates
// faster than expected), negative when it went with the crowd. That change
// is credited to the feature v splits on. Per tree the credits add up to
// c(size(root)) - h(x); averaged over the trees, to mean c(root) - E[h(x)].
// So a positive contribution pushes the row towards "anomalous" (a shorter
// mean path, a lower score_samples), and with the bias -mean c(root) the
// contributions add up to -E[h(x)], which score_samples maps monotonically:
// score_samples = -2^(-E[h(x)]/c(ψ)).

// Contributions writes the path attribution of one row (NumFeatures
// values, NaN for missing) to out, which must have NumFeatures()+1
// elements: out[f] is the mean over the trees of the shortenings of the
// row's expected path length at splits on feature f (see above; in units
// of path length, positive = towards anomalous), and out[NumFeatures()] is
// the bias, minus the trees' mean root expectation. Together they add up
// to -E[h(x)]. Features that validation dropped are never split on and
// get 0. A row walks the trees as in ScoreSamples.
//
// Contributions allocates nothing and is safe for concurrent use.
func (m *Model) Contributions(row []float32, out []float64) error {
	F := m.numFeatures
	if len(row) != F {
		return fmt.Errorf("iforest: row has %d features, model wants %d", len(row), F)
	}
	if len(out) != F+1 {
		return fmt.Errorf("iforest: contributions need %d values (features + bias), output has %d", F+1, len(out))
	}
	clear(out)
	bias := 0.0
	for ti := range m.trees {
		i := m.trees[ti].first
		bias -= m.expect[i]
		for !m.isLeaf(i) {
			n := &m.nodes[i]
			next := n.child + b2u(row[n.feature] > n.threshold)
			out[n.feature] += m.expect[i] - m.expect[next]
			i = next
		}
	}
	T := float64(len(m.trees))
	for f := range out[:F] {
		out[f] /= T
	}
	out[F] = bias / T
	return nil
}

// Contribution is one feature's share of a row's path shortening.
type Contribution = explain.Contribution

// TopContributions returns the at most k features whose contributions
// (see Contributions) are largest and positive — the features that
// isolate the row fastest, the bot detector's top-5 "reason" — largest first, a
// lower feature index first among equal values. The bias is not a feature
// and is never returned. scratch holds the contributions when it has room
// for NumFeatures()+1 values (they are left in
// scratch[:NumFeatures()+1]); otherwise TopContributions allocates. It
// returns an error when row does not have NumFeatures values, and nil for
// k <= 0 or when no feature shortened the row's path.
func (m *Model) TopContributions(row []float32, k int, scratch []float64) ([]Contribution, error) {
	return explain.TopOf(m.numFeatures, k, scratch, func(c []float64) error { return m.Contributions(row, c) })
}
