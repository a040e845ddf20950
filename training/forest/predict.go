package forest

import (
	"fmt"
	"runtime"

	"github.com/mlctl/mlctl/training/gbdt"
)

// predictBlockRows is the number of rows walked through the trees together:
// a tree stays in cache for the whole block.
const predictBlockRows = 64

// PredictRow returns the probability of class 1 for one row of NumFeatures
// values (NaN for missing): the mean over trees of the row's leaf value. It
// panics if row is shorter than NumFeatures, like an out-of-range index:
// check lengths where rows come from input.
func (m *Model) PredictRow(row []float32) float64 {
	row = row[:m.numFeatures]
	sum := 0.0
	for i := range m.trees {
		t := &m.trees[i]
		sum += float64(t.leafValue[t.leafIndex(row)])
	}
	return sum / float64(len(m.trees))
}

// Predict writes the probability of class 1 of every row of x into
// out[:x.Rows], using every core, each goroutine scoring its own rows in
// blocks. x must have NumFeatures columns and out at least x.Rows elements.
// Each row's result is exactly PredictRow's.
func (m *Model) Predict(x *gbdt.Matrix, out []float64) error {
	if err := x.Validate(); err != nil {
		return fmt.Errorf("forest: %w", err)
	}
	if x.Cols != m.numFeatures {
		return fmt.Errorf("forest: matrix has %d features, model wants %d", x.Cols, m.numFeatures)
	}
	if len(out) < x.Rows {
		return fmt.Errorf("forest: output has room for %d predictions, matrix has %d rows", len(out), x.Rows)
	}
	blocks := (x.Rows + predictBlockRows - 1) / predictBlockRows
	threads := min(runtime.GOMAXPROCS(0), blocks)
	forEach(threads, threads, func(_, part int) {
		for b := part * blocks / threads; b < (part+1)*blocks/threads; b++ {
			lo, hi := b*predictBlockRows, min((b+1)*predictBlockRows, x.Rows)
			m.predictBlock(x, lo, hi, out[lo:hi])
		}
	})
	return nil
}

// predictBlock writes the probabilities of rows lo..hi of x into out,
// tree by tree, summing in tree order as PredictRow does.
func (m *Model) predictBlock(x *gbdt.Matrix, lo, hi int, out []float64) {
	clear(out)
	for i := range m.trees {
		t := &m.trees[i]
		for r := lo; r < hi; r++ {
			out[r-lo] += float64(t.leafValue[t.leafIndex(x.Row(r))])
		}
	}
	k := float64(len(m.trees))
	for j := range out {
		out[j] /= k
	}
}
