package gbdt

import (
	"runtime"

	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/training/parallel"
	"github.com/mlctl/mlctl/training/radix"
)

// binnedMatrix is the training matrix quantised once into byte bin codes,
// row-major: a row's codes are contiguous for histogram building, and
// partitioning a node on one feature reads that feature's code of each of
// its rows. One byte per value is all the training memory that grows with
// the features (a column-major copy would double it).
type binnedMatrix struct {
	rows, cols int
	rowCodes   []uint8 // rowCodes[r*cols+f]
	bins       featureBins
}

// binRowBlock is the number of rows per coding task.
const binRowBlock = 4096

// newBinnedMatrix computes every feature's cuts from x (at most maxBin bins)
// and the bin codes of every value, on threads goroutines. The result does
// not depend on threads. Besides the codes it needs 12 bytes per row per
// goroutine: one feature's sort keys and sorted values at a time.
func newBinnedMatrix(x *matrix.Matrix, maxBin, threads int) *binnedMatrix {
	n, F := x.Rows, x.Cols
	bm := &binnedMatrix{
		rows:     n,
		cols:     F,
		rowCodes: make([]uint8, n*F),
		bins: featureBins{
			cuts:   make([][]float32, F),
			minVal: make([]float32, F),
			offset: make([]int32, F),
		},
	}
	// Per feature: gather its values, sort them, derive the cuts.
	type scratch struct {
		keys, tmp []uint32 // the feature's non-missing values as FloatKeys
		sorted    []float32
	}
	scr := make([]scratch, max(threads, 1))
	parallel.ForEach(threads, F, func(w, f int) {
		s := &scr[w]
		if s.keys == nil {
			s.keys, s.tmp, s.sorted = make([]uint32, 0, n), make([]uint32, n), make([]float32, n)
		}
		keys := s.keys[:0]
		for r := range n {
			v := x.Values[r*F+f]
			if v != v {
				continue
			}
			if v == 0 {
				v = 0 // normalise -0
			}
			keys = append(keys, radix.FloatKey(v))
		}
		radix.Sort32(keys, s.tmp)
		sorted := s.sorted[:len(keys)]
		for i, k := range keys {
			sorted[i] = radix.KeyFloat(k)
		}
		hasMissing := len(keys) < n
		bm.bins.cuts[f], bm.bins.minVal[f] = cutsForSorted(sorted, binLimit(maxBin, hasMissing))
		s.keys = keys
	})
	// The sort scratch is garbage now. On a large matrix collect it, so
	// that the buffers training allocates next reuse its memory instead of
	// growing the heap toward its goal (twice the live raw matrix); the
	// collection costs little, the matrix holds no pointers.
	if 12*n*len(scr) >= 8<<20 {
		scr = nil
		runtime.GC()
	}
	off := 0
	for f := range F {
		bm.bins.offset[f] = int32(off)
		off += bm.bins.nbins(f) + 1
	}
	bm.bins.slots = off
	// Codes, row by row: a value's bin is the first whose cut is above it
	// (the last cut is above every training value); missing is nbins.
	blocks := (n + binRowBlock - 1) / binRowBlock
	parallel.ForEach(threads, blocks, func(_, b int) {
		lo, hi := b*binRowBlock, min((b+1)*binRowBlock, n)
		for r := lo; r < hi; r++ {
			codes := bm.rowCodes[r*F : r*F+F]
			for f, v := range x.Values[r*F : r*F+F] {
				cuts := bm.bins.cuts[f]
				if v != v {
					codes[f] = uint8(len(cuts))
					continue
				}
				i, j := 0, len(cuts)
				for i < j {
					h := int(uint(i+j) >> 1)
					if cuts[h] <= v {
						i = h + 1
					} else {
						j = h
					}
				}
				codes[f] = uint8(i)
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
