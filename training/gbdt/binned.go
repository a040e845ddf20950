package gbdt

import (
	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/training/parallel"
	"github.com/mlctl/mlctl/training/radix"
)

// binnedMatrix is the training matrix quantised once into byte bin codes,
// kept twice: row-major for histogram building (a row's codes are
// contiguous) and column-major for partitioning rows on one feature.
type binnedMatrix struct {
	rows, cols int
	rowCodes   []uint8 // rowCodes[r*cols+f]
	colCodes   []uint8 // colCodes[f*rows+r]
	bins       featureBins
}

// binRowBlock is the number of rows per transpose task.
const binRowBlock = 4096

// newBinnedMatrix computes every feature's cuts from x (at most maxBin bins)
// and the bin codes of every value, on threads goroutines. The result does
// not depend on threads.
func newBinnedMatrix(x *matrix.Matrix, maxBin, threads int) *binnedMatrix {
	n, F := x.Rows, x.Cols
	bm := &binnedMatrix{
		rows:     n,
		cols:     F,
		rowCodes: make([]uint8, n*F),
		colCodes: make([]uint8, n*F),
		bins: featureBins{
			cuts:   make([][]float32, F),
			minVal: make([]float32, F),
			offset: make([]int32, F),
		},
	}
	// Column-major copy of the values, so each feature is read contiguously.
	cols := make([]float32, n*F)
	blocks := (n + binRowBlock - 1) / binRowBlock
	parallel.ForEach(threads, blocks, func(_, b int) {
		lo, hi := b*binRowBlock, min((b+1)*binRowBlock, n)
		for r := lo; r < hi; r++ {
			row := x.Values[r*F : r*F+F]
			for f, v := range row {
				cols[f*n+r] = v
			}
		}
	})
	// Per feature: sort (value, row) pairs, derive cuts, assign codes.
	type scratch struct{ pairs, tmp []uint64 }
	scr := make([]scratch, max(threads, 1))
	parallel.ForEach(threads, F, func(w, f int) {
		s := &scr[w]
		if s.pairs == nil {
			s.pairs, s.tmp = make([]uint64, 0, n), make([]uint64, n)
		}
		col := cols[f*n : f*n+n]
		codes := bm.colCodes[f*n : f*n+n]
		pairs := s.pairs[:0]
		for r, v := range col {
			if v != v {
				continue
			}
			if v == 0 {
				v = 0 // normalise -0
			}
			pairs = append(pairs, uint64(radix.FloatKey(v))<<32|uint64(r))
		}
		radix.SortHigh(pairs, s.tmp)
		sorted := make([]float32, len(pairs))
		for i, p := range pairs {
			sorted[i] = radix.KeyFloat(uint32(p >> 32))
		}
		hasMissing := len(pairs) < n
		cuts, minVal := cutsForSorted(sorted, binLimit(maxBin, hasMissing))
		bm.bins.cuts[f], bm.bins.minVal[f] = cuts, minVal
		if hasMissing {
			missing := uint8(len(cuts))
			for r, v := range col {
				if v != v {
					codes[r] = missing
				}
			}
		}
		b := 0
		for i, p := range pairs {
			v := sorted[i]
			for cuts[b] <= v {
				b++
			}
			codes[uint32(p)] = uint8(b)
		}
		s.pairs = pairs
	})
	off := 0
	for f := range F {
		bm.bins.offset[f] = int32(off)
		off += bm.bins.nbins(f) + 1
	}
	bm.bins.slots = off
	// Row-major codes from the column-major ones.
	parallel.ForEach(threads, blocks, func(_, b int) {
		lo, hi := b*binRowBlock, min((b+1)*binRowBlock, n)
		for f := range F {
			col := bm.colCodes[f*n : f*n+n]
			for r := lo; r < hi; r++ {
				bm.rowCodes[r*F+f] = col[r]
			}
		}
	})
	return bm
}

// missingCode returns the code of a missing value of feature f.
func (bm *binnedMatrix) missingCode(f int) uint8 {
	return uint8(bm.bins.nbins(f))
}

// threshold returns the split value that sends bins 0..bin left (bin may be
// -1: no non-missing row goes left).
func (bm *binnedMatrix) threshold(f, bin int) float32 {
	if bin < 0 {
		return bm.bins.minVal[f]
	}
	return bm.bins.cuts[f][bin]
}
