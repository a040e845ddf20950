package forest

import (
	"fmt"
	"runtime"

	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/training/parallel"
)

// Inference walks several independent (tree, row) pairs in lockstep: each
// step of a walk is a chain of dependent loads (node, then the row's value)
// and a hard-to-predict branch, so interleaving four walks lets the CPU
// overlap them.

// predictBlockRows is the most rows walked through the trees together, tree
// by tree (as scikit-learn's apply does), so each tree's nodes stay in cache
// while the block's rows stream past; a goroutine's rows are split into
// blocks of this size.
const predictBlockRows = 16384

// walk4 walks four rows through four trees, row k through tree k, and
// returns their leaf values.
func walk4(t0, t1, t2, t3 *tree, r0, r1, r2, r3 []float32) (v0, v1, v2, v3 float32) {
	i0, i1, i2, i3 := rootRef(t0), rootRef(t1), rootRef(t2), rootRef(t3)
	for i0 >= 0 || i1 >= 0 || i2 >= 0 || i3 >= 0 {
		if i0 >= 0 {
			i0 = step(&t0.nodes[i0], r0)
		}
		if i1 >= 0 {
			i1 = step(&t1.nodes[i1], r1)
		}
		if i2 >= 0 {
			i2 = step(&t2.nodes[i2], r2)
		}
		if i3 >= 0 {
			i3 = step(&t3.nodes[i3], r3)
		}
	}
	return t0.leafValue[^i0], t1.leafValue[^i1], t2.leafValue[^i2], t3.leafValue[^i3]
}

// rootRef is the child reference of a tree's root: node 0, or leaf 0 for a
// single-leaf tree.
func rootRef(t *tree) int32 {
	if len(t.nodes) == 0 {
		return ^int32(0)
	}
	return 0
}

// step returns the child reference a row takes at n.
func step(n *node, row []float32) int32 {
	c := n.right
	if n.goesLeft(row) {
		c = n.left
	}
	return c
}

// PredictRow returns the probability of class 1 for one row of NumFeatures
// values (NaN for missing): the mean over trees of the row's leaf value. It
// panics if row is shorter than NumFeatures, like an out-of-range index:
// check lengths where rows come from input.
func (m *Model) PredictRow(row []float32) float64 {
	row = row[:m.numFeatures]
	sum := 0.0
	ts := m.trees
	t := 0
	for ; t+4 <= len(ts); t += 4 {
		v0, v1, v2, v3 := walk4(&ts[t], &ts[t+1], &ts[t+2], &ts[t+3], row, row, row, row)
		sum += float64(v0)
		sum += float64(v1)
		sum += float64(v2)
		sum += float64(v3)
	}
	for ; t < len(ts); t++ {
		v, _, _, _ := walk4(&ts[t], &ts[t], &ts[t], &ts[t], row, row, row, row)
		sum += float64(v)
	}
	return sum / float64(len(ts))
}

// Predict writes the probability of class 1 of every row of x into
// out[:x.Rows], using every core, each goroutine scoring its own rows in
// blocks. x must have NumFeatures columns and out at least x.Rows elements.
// Each row's result is exactly PredictRow's.
func (m *Model) Predict(x *matrix.Matrix, out []float64) error {
	if err := x.Validate(); err != nil {
		return fmt.Errorf("forest: %w", err)
	}
	if x.Cols != m.numFeatures {
		return fmt.Errorf("forest: matrix has %d features, model wants %d", x.Cols, m.numFeatures)
	}
	if len(out) < x.Rows {
		return fmt.Errorf("forest: output has room for %d predictions, matrix has %d rows", len(out), x.Rows)
	}
	threads := max(1, min(runtime.GOMAXPROCS(0), x.Rows/predictMinRowsPerThread))
	parallel.ForEach(threads, threads, func(_, part int) {
		lo, hi := part*x.Rows/threads, (part+1)*x.Rows/threads
		for ; lo < hi; lo += predictBlockRows {
			end := min(lo+predictBlockRows, hi)
			m.predictBlock(x, lo, end, out[lo:end])
		}
	})
	return nil
}

// predictMinRowsPerThread is the fewest rows worth a goroutine of their own.
const predictMinRowsPerThread = 256

// predictBlock writes the probabilities of rows lo..hi of x into out, tree
// by tree, summing in tree order as PredictRow does.
func (m *Model) predictBlock(x *matrix.Matrix, lo, hi int, out []float64) {
	n := hi - lo
	clear(out)
	for i := range m.trees {
		t := &m.trees[i]
		r := 0
		for ; r+4 <= n; r += 4 {
			v0, v1, v2, v3 := walk4(t, t, t, t, x.Row(lo+r), x.Row(lo+r+1), x.Row(lo+r+2), x.Row(lo+r+3))
			out[r] += float64(v0)
			out[r+1] += float64(v1)
			out[r+2] += float64(v2)
			out[r+3] += float64(v3)
		}
		for ; r < n; r++ {
			row := x.Row(lo + r)
			v, _, _, _ := walk4(t, t, t, t, row, row, row, row)
			out[r] += float64(v)
		}
	}
	k := float64(len(m.trees))
	for j := range out {
		out[j] /= k
	}
}
