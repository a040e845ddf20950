package iforest

import (
	"fmt"
	"math"
	"runtime"

	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/training/parallel"
)

// scoreBlock is the number of rows taken through one tree before the next
// tree, so that a tree's nodes stay in cache while the block uses them.
const scoreBlock = 64

// ScoreSamples writes sklearn's IsolationForest.score_samples of every row
// of x into out[:x.Rows]: -2^(-E[h(x)]/c(ψ)), where h(x) is the row's path
// length in a tree (the depth of the leaf it reaches plus c(n) for the n
// training samples left in that leaf), E the mean over the trees and c(ψ)
// the average path length of ψ = SamplesPerTree() samples. Scores lie in
// [-1, 0); the lower, the more anomalous (about -0.5 and above is normal).
// With ψ = 1 every score is -0.5, as in sklearn.
//
// x must have NumFeatures columns and out at least x.Rows elements.
// ScoreSamples uses every core (GOMAXPROCS), each goroutine its own range
// of rows; a row's score does not depend on that split.
func (m *Model) ScoreSamples(x *matrix.Matrix, out []float64) error {
	if err := x.Validate(); err != nil {
		return fmt.Errorf("iforest: %w", err)
	}
	if x.Cols != m.numFeatures {
		return fmt.Errorf("iforest: matrix has %d features, model wants %d", x.Cols, m.numFeatures)
	}
	if len(out) < x.Rows {
		return fmt.Errorf("iforest: output has room for %d scores, matrix has %d rows", len(out), x.Rows)
	}
	m.scoreSamples(x, out, runtime.GOMAXPROCS(0))
	return nil
}

// ScoreRow returns score_samples (see ScoreSamples) of one row of
// NumFeatures values.
func (m *Model) ScoreRow(row []float32) (float64, error) {
	if len(row) != m.numFeatures {
		return 0, fmt.Errorf("iforest: row has %d features, model wants %d", len(row), m.numFeatures)
	}
	var sum [1]float64
	m.sumPaths(row, len(row), sum[:])
	return m.score(sum[0]), nil
}

// scoreSamples scores x's rows on threads goroutines, in blocks.
func (m *Model) scoreSamples(x *matrix.Matrix, out []float64, threads int) {
	blocks := (x.Rows + scoreBlock - 1) / scoreBlock
	batches := min(threads, blocks)
	parallel.ForEach(batches, batches, func(_, b int) {
		var sums [scoreBlock]float64
		for k := b * blocks / batches; k < (b+1)*blocks/batches; k++ {
			lo, hi := k*scoreBlock, min((k+1)*scoreBlock, x.Rows)
			s := sums[:hi-lo]
			m.sumPaths(x.Values[lo*x.Cols:hi*x.Cols], x.Cols, s)
			for j, v := range s {
				out[lo+j] = m.score(v)
			}
		}
	})
}

// score turns a row's sum of path lengths over the trees into
// score_samples, as sklearn does: -2^(-sum/(trees·c(ψ))), with the ratio 1
// when c(ψ) is 0.
func (m *Model) score(sum float64) float64 {
	den := float64(len(m.trees)) * m.norm
	ratio := 1.0
	if den != 0 {
		ratio = sum / den
	}
	return -math.Exp2(-ratio)
}

// sumPaths sets sums[j] to the sum over the trees of the path length h of
// row j of vals (rows of cols values), tree after tree, each tree's
// lengths added in tree order (so a row's sum is the same whatever rows
// it is scored with).
func (m *Model) sumPaths(vals []float32, cols int, sums []float64) {
	clear(sums)
	rows := len(sums)
	for ti := range m.trees {
		t := &m.trees[ti]
		j := 0
		for ; j+8 <= rows; j += 8 {
			m.walk8(t, vals[j*cols:(j+8)*cols], cols, (*[8]float64)(sums[j:j+8]))
		}
		for ; j < rows; j++ {
			sums[j] += m.expect[m.leaf(t, vals[j*cols:(j+1)*cols])]
		}
	}
}

// leaf returns the leaf of tree t that row reaches.
func (m *Model) leaf(t *tree, row []float32) uint32 {
	i := t.first
	for d := t.depth; d > 0; d-- {
		n := &m.nodes[i]
		i = n.child + b2u(row[n.feature] > n.threshold)
	}
	return i
}

// walk8 adds the path lengths in tree t of the eight rows of vals (rows of
// cols values) to sums. Every row takes t.depth steps (a row at its leaf
// stays there), each without a branch; the eight walks are independent
// chains of loads that the CPU overlaps.
func (m *Model) walk8(t *tree, vals []float32, cols int, sums *[8]float64) {
	nodes := m.nodes
	vals = vals[:8*cols]
	c1, c2, c3, c4, c5, c6, c7 := cols, 2*cols, 3*cols, 4*cols, 5*cols, 6*cols, 7*cols
	i0, i1, i2, i3, i4, i5, i6, i7 := t.first, t.first, t.first, t.first, t.first, t.first, t.first, t.first
	for d := t.depth; d > 0; d-- {
		n0, n1, n2, n3 := &nodes[i0], &nodes[i1], &nodes[i2], &nodes[i3]
		n4, n5, n6, n7 := &nodes[i4], &nodes[i5], &nodes[i6], &nodes[i7]
		i0 = n0.child + b2u(vals[int(n0.feature)] > n0.threshold)
		i1 = n1.child + b2u(vals[c1+int(n1.feature)] > n1.threshold)
		i2 = n2.child + b2u(vals[c2+int(n2.feature)] > n2.threshold)
		i3 = n3.child + b2u(vals[c3+int(n3.feature)] > n3.threshold)
		i4 = n4.child + b2u(vals[c4+int(n4.feature)] > n4.threshold)
		i5 = n5.child + b2u(vals[c5+int(n5.feature)] > n5.threshold)
		i6 = n6.child + b2u(vals[c6+int(n6.feature)] > n6.threshold)
		i7 = n7.child + b2u(vals[c7+int(n7.feature)] > n7.threshold)
	}
	e := m.expect
	sums[0] += e[i0]
	sums[1] += e[i1]
	sums[2] += e[i2]
	sums[3] += e[i3]
	sums[4] += e[i4]
	sums[5] += e[i5]
	sums[6] += e[i6]
	sums[7] += e[i7]
}

// b2u converts a bool to 0 or 1 without a branch.
func b2u(b bool) uint32 {
	var i uint32
	if b {
		i = 1
	}
	return i
}
