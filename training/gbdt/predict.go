package gbdt

import (
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/training/parallel"
)

// leafValue walks the depth-first layout on a raw row: a row goes left when
// value < threshold, a missing value where the node says.
func (t *tree) leafValue(row []float32) float32 {
	if len(t.nodes) == 0 {
		return t.leaves[0].value
	}
	i := uint32(0)
	for {
		n := &t.nodes[i]
		v := row[n.feature]
		left := v < n.threshold
		if v != v {
			left = n.flags&flagDefaultLeft != 0
		}
		if left {
			if n.flags&flagLeftLeaf != 0 {
				return t.leaves[n.left].value
			}
			i = n.left
		} else {
			if n.flags&flagRightLeaf != 0 {
				return t.leaves[n.right].value
			}
			i = n.right
		}
	}
}

// predictBlockRows is the number of rows scored tree by tree together (a
// multiple of blockRows).
const predictBlockRows = 32

// addMargins adds every tree's leaf to margin[j] for each row j of vals (rows
// of cols values), tree by tree, in float32, as XGBoost accumulates. ex is
// scratch for 2·NumFeatures·predictBlockRows values.
func (m *Model) addMargins(vals []float32, cols int, margin, ex []float32) {
	F := m.numFeatures
	blocks := (len(margin) + blockRows - 1) / blockRows
	size := 2 * F * blockRows
	ex = ex[:blocks*size]
	for b := range blocks {
		expandBlock(vals[b*blockRows*cols:], cols, F, ex[b*size:(b+1)*size])
	}
	var tail [blockRows]float32
	for t := range m.compiled {
		ct := &m.compiled[t]
		if ct.deep != nil {
			for j := range margin {
				margin[j] += ct.deep.leafValue(vals[j*cols : j*cols+cols])
			}
			continue
		}
		if len(ct.nodes) != 1<<ct.depth-1 || len(ct.leaves) != 1<<ct.depth {
			panic("gbdt: malformed compiled tree")
		}
		np := unsafe.Pointer(unsafe.SliceData(ct.nodes))
		lp := unsafe.Pointer(unsafe.SliceData(ct.leaves))
		for b := range blocks {
			blk := ex[b*size : (b+1)*size]
			if mg := margin[b*blockRows:]; len(mg) >= blockRows {
				walk8(np, lp, unsafe.Pointer(&blk[0]), ct.depth, (*[blockRows]float32)(mg))
			} else {
				copy(tail[:], mg)
				walk8(np, lp, unsafe.Pointer(&blk[0]), ct.depth, &tail)
				copy(mg, tail[:])
			}
		}
	}
}

// PredictRow returns the probability of one row of NumFeatures values (NaN
// for missing). It panics if row is shorter than NumFeatures, like an
// out-of-range index: check lengths where rows come from input.
func (m *Model) PredictRow(row []float32) float64 {
	row = row[:m.numFeatures]
	bp := rowScratch.Get().(*[]float32)
	if cap(*bp) < 2*len(row) {
		*bp = make([]float32, 2*len(row))
	}
	ex := (*bp)[:2*len(row)]
	expandRow(row, ex)
	margin := m.baseMargin
	r := unsafe.Pointer(unsafe.SliceData(ex))
	cs := m.compiled
	for t := 0; t < len(cs); {
		if t+4 <= len(cs) && cs[t].deep == nil && cs[t+1].deep == nil && cs[t+2].deep == nil && cs[t+3].deep == nil &&
			cs[t].depth == cs[t+1].depth && cs[t].depth == cs[t+2].depth && cs[t].depth == cs[t+3].depth {
			l := walkTrees4(&cs[t], &cs[t+1], &cs[t+2], &cs[t+3], r)
			margin += l[0]
			margin += l[1]
			margin += l[2]
			margin += l[3]
			t += 4
			continue
		}
		if cs[t].deep != nil {
			margin += cs[t].deep.leafValue(row)
		} else {
			margin += walkTrees4(&cs[t], &cs[t], &cs[t], &cs[t], r)[0]
		}
		t++
	}
	rowScratch.Put(bp)
	return float64(sigmoid32(margin))
}

// rowScratch holds PredictRow's expanded rows.
var rowScratch = sync.Pool{New: func() any { return new([]float32) }}

// Predict writes the probability of every row of x into out[:x.Rows], using
// every core, each goroutine scoring its own batch of rows in blocks. x must
// have NumFeatures columns and out at least x.Rows elements. Predict
// allocates nothing per row.
func (m *Model) Predict(x *matrix.Matrix, out []float64) error {
	if err := x.Validate(); err != nil {
		return err
	}
	if x.Cols != m.numFeatures {
		return fmt.Errorf("gbdt: matrix has %d features, model wants %d", x.Cols, m.numFeatures)
	}
	if len(out) < x.Rows {
		return fmt.Errorf("gbdt: output has room for %d predictions, matrix has %d rows", len(out), x.Rows)
	}
	m.predict(x, runtime.GOMAXPROCS(0), func(lo int, margin []float32) {
		for j, v := range margin {
			out[lo+j] = float64(sigmoid32(v))
		}
	})
	return nil
}

// predict computes the margins of x's rows in blocks on threads goroutines
// and hands each block to emit with the index of its first row.
func (m *Model) predict(x *matrix.Matrix, threads int, emit func(lo int, margin []float32)) {
	blocks := (x.Rows + predictBlockRows - 1) / predictBlockRows
	batches := min(threads, blocks)
	parallel.ForEach(batches, batches, func(_, b int) {
		var buf [predictBlockRows]float32
		ex := make([]float32, 2*m.numFeatures*predictBlockRows)
		for k := b * blocks / batches; k < (b+1)*blocks/batches; k++ {
			lo, hi := k*predictBlockRows, min((k+1)*predictBlockRows, x.Rows)
			margin := buf[:hi-lo]
			for j := range margin {
				margin[j] = m.baseMargin
			}
			m.addMargins(x.Values[lo*x.Cols:hi*x.Cols], x.Cols, margin, ex)
			emit(lo, margin)
		}
	})
}

// Scratch is one goroutine's working memory for PredictInto; reuse it
// across calls, never share it between goroutines.
type Scratch struct {
	ex     []float32
	margin [predictBlockRows]float32
}

// PredictInto is Predict on the calling goroutine only, with s's memory:
// for callers that already spread rows over every core (the scorer
// computes features and predicts block by block on each), it allocates
// nothing once s has grown. Scores are the same as Predict's.
func (m *Model) PredictInto(x *matrix.Matrix, out []float64, s *Scratch) error {
	if x.Cols != m.numFeatures {
		return fmt.Errorf("gbdt: matrix has %d features, model wants %d", x.Cols, m.numFeatures)
	}
	if len(out) < x.Rows || len(x.Values) < x.Rows*x.Cols {
		return fmt.Errorf("gbdt: %d rows, %d values and room for %d predictions", x.Rows, len(x.Values), len(out))
	}
	if n := 2 * m.numFeatures * predictBlockRows; len(s.ex) < n {
		s.ex = make([]float32, n)
	}
	for lo := 0; lo < x.Rows; lo += predictBlockRows {
		hi := min(lo+predictBlockRows, x.Rows)
		margin := s.margin[:hi-lo]
		for j := range margin {
			margin[j] = m.baseMargin
		}
		m.addMargins(x.Values[lo*x.Cols:hi*x.Cols], x.Cols, margin, s.ex)
		for j, v := range margin {
			out[lo+j] = float64(sigmoid32(v))
		}
	}
	return nil
}
