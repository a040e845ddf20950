package artifact

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/mlctl/mlctl/training/gbdt"
	"github.com/mlctl/mlctl/training/matrix"
)

// blockPredictor predicts a block of rows on the calling goroutine
// (gbdt.Model): the scorer then computes features and trees together,
// block by block, on every core.
type blockPredictor interface {
	PredictInto(x *matrix.Matrix, out []float64, s *gbdt.Scratch) error
}

// fusedBlockRows is how many names a worker turns into features and then
// scores at once: small enough that the block's features are still in
// cache when the trees read them.
const fusedBlockRows = 256

// scoreFused scores inputs on every core, each worker taking the next
// block of names, computing its features and predicting it, so there is
// no barrier between features and trees and no matrix of the whole batch.
// Scores are the same as the matrix path's.
func (s *Scorer) scoreFused(p blockPredictor, inputs []string, out []float64) {
	blocks := (len(inputs) + fusedBlockRows - 1) / fusedBlockRows
	workers := min(runtime.GOMAXPROCS(0), blocks)
	var next atomic.Int64
	var wg sync.WaitGroup
	work := func() {
		defer wg.Done()
		row := make([]float64, s.width)
		m := &matrix.Matrix{Cols: s.width, Values: make([]float32, fusedBlockRows*s.width)}
		var scratch gbdt.Scratch
		for {
			b := int(next.Add(1) - 1)
			if b >= blocks {
				return
			}
			lo, hi := b*fusedBlockRows, min((b+1)*fusedBlockRows, len(inputs))
			m.Rows = hi - lo
			for i, in := range inputs[lo:hi] {
				s.set.Extract(in, row)
				dst := m.Values[i*s.width : (i+1)*s.width]
				for j, v := range row {
					dst[j] = float32(v)
				}
			}
			if err := p.PredictInto(m, out[lo:hi], &scratch); err != nil {
				panic(fmt.Sprintf("artifact: Score: %v", err)) // shapes are ours: a bug, not input
			}
		}
	}
	wg.Add(workers)
	for range workers - 1 {
		go work()
	}
	work()
	wg.Wait()
}
