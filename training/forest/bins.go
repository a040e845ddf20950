package forest

import (
	"fmt"
	"math"
	"runtime"

	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/training/parallel"
	"github.com/mlctl/mlctl/training/radix"
)

// binnedMatrix is the training matrix quantised once into bin codes,
// row-major: a row's codes are contiguous, so the features a node draws for
// one row share a cache line or two. Codes are bytes when every feature has
// at most 255 value bins (the usual max_bin 256 with missing values, or 256
// bins without), else 16 bits.
//
// Feature f has nbins[f] value bins, each holding a range of its training
// values; bin b's values are all below bin b+1's. Missing values get code
// nbins[f]. A split of a node between its non-empty bins b and c > b (no
// row of the node falls in between) becomes, on raw values, "left if value
// < threshold" with the threshold halfway between the largest training
// value in bin b and the smallest in bin c, as scikit-learn places its
// thresholds between a node's adjacent values, so prediction routes every
// training row of the node exactly as training did.
type binnedMatrix struct {
	rows, cols int
	// codes8[r*cols+f] or codes16[r*cols+f]: one of them is nil.
	codes8  []uint8
	codes16 []uint16
	nbins   []int
	// binMin[f][b] and binMax[f][b] are the smallest and largest training
	// value of feature f in bin b.
	binMin, binMax [][]float32
}

// threshold returns the split value between bins b and c > b of feature f,
// or -MaxFloat32 (every value goes right) for b = -1.
func (bm *binnedMatrix) threshold(f, b, c int) float32 {
	if b < 0 {
		return -math.MaxFloat32
	}
	return midpoint(bm.binMax[f][b], bm.binMin[f][c])
}

// binRowBlock is the number of rows per coding task.
const binRowBlock = 4096

// validateTraining checks a training matrix and its labels: shapes, finite
// values or NaN in x, labels 0 or 1, and both classes present.
func validateTraining(x *matrix.Matrix, y []float32) error {
	if err := x.CheckShape("training", maxFeatureCount); err != nil {
		return fmt.Errorf("forest: %w", err)
	}
	if len(y) != x.Rows {
		return fmt.Errorf("forest: %d labels for %d rows", len(y), x.Rows)
	}
	var pos int
	for i, v := range y {
		switch v {
		case 0:
		case 1:
			pos++
		default:
			return fmt.Errorf("forest: label of row %d is %v, want 0 or 1", i, v)
		}
	}
	if pos == 0 || pos == len(y) {
		return fmt.Errorf("forest: labels are all %v; a classifier needs both classes", y[0])
	}
	for i, v := range x.Values {
		if v == v && math.IsInf(float64(v), 0) {
			return fmt.Errorf("forest: row %d feature %d is %v: want a finite value, or NaN for missing", i/x.Cols, i%x.Cols, v)
		}
	}
	return nil
}

// newBinnedMatrix computes every feature's bins from x (at most maxBin per
// feature; with missing values at most 255 when maxBin <= 256, else 65535) and the code of every value, on
// threads goroutines. The result does not depend on threads.
func newBinnedMatrix(x *matrix.Matrix, maxBin, threads int) *binnedMatrix {
	n, F := x.Rows, x.Cols
	bm := &binnedMatrix{
		rows:   n,
		cols:   F,
		nbins:  make([]int, F),
		binMin: make([][]float32, F),
		binMax: make([][]float32, F),
	}
	// Per feature: gather its values, sort them, derive the bins.
	type scratch struct {
		keys, tmp []uint32 // the feature's non-missing values as FloatKeys
		sorted    []float32
	}
	scr := make([]scratch, max(threads, 1))
	hasMissing := make([]bool, F)
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
		hasMissing[f] = len(keys) < n
		limit := maxBin
		if hasMissing[f] {
			// The missing code must fit: 255 for byte codes, 65535 else.
			limit = min(maxBin, maxBinLimit-1)
			if maxBin <= 256 {
				limit = min(maxBin, 255)
			}
		}
		lower := binLowerBounds(sorted, limit)
		nb := max(len(lower), 1)
		bm.nbins[f] = nb
		// binMax[b] ends as bin b's largest value.
		binMax := make([]float32, nb)
		b := 0
		for _, v := range sorted {
			for b+1 < len(lower) && lower[b+1] <= v {
				b++
			}
			binMax[b] = v
		}
		bm.binMin[f], bm.binMax[f] = lower, binMax
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
	// Row-major codes: bytes unless a feature with 256 value bins has
	// missing values (code 256).
	wide := false
	for f, nb := range bm.nbins {
		wide = wide || nb > 256 || (nb == 256 && hasMissing[f])
	}
	if wide {
		bm.codes16 = make([]uint16, n*F)
		fillCodes(bm.codes16, x, bm, threads)
	} else {
		bm.codes8 = make([]uint8, n*F)
		fillCodes(bm.codes8, x, bm, threads)
	}
	return bm
}

// code is the type of a bin code.
type code interface{ ~uint8 | ~uint16 }

// fillCodes writes the code of every value of x row-major into dst
// (dst[r*F+f]): the last bin whose smallest value is at most the value, or
// nbins for a missing value. Every code fits C.
func fillCodes[C code](dst []C, x *matrix.Matrix, bm *binnedMatrix, threads int) {
	n, F := x.Rows, x.Cols
	blocks := (n + binRowBlock - 1) / binRowBlock
	parallel.ForEach(threads, blocks, func(_, b int) {
		lo, hi := b*binRowBlock, min((b+1)*binRowBlock, n)
		for r := lo; r < hi; r++ {
			codes := dst[r*F : r*F+F]
			for f, v := range x.Values[r*F : r*F+F] {
				if v != v {
					codes[f] = C(bm.nbins[f])
					continue
				}
				lower := bm.binMin[f]
				// The number of bins whose smallest value is <= v, less one
				// (lower[0] is the smallest training value).
				i, j := 1, len(lower)
				for i < j {
					h := int(uint(i+j) >> 1)
					if lower[h] <= v {
						i = h + 1
					} else {
						j = h
					}
				}
				codes[f] = C(i - 1)
			}
		}
	})
}

// binLowerBounds returns the smallest value of each bin of one feature from
// its sorted, non-missing values, allowing at most limit bins: one bin per
// distinct value when there are at most limit, else bins starting at evenly
// spaced ranks (ties kept together). No bin is empty. An all-missing feature
// has no bins.
func binLowerBounds(sorted []float32, limit int) []float32 {
	if len(sorted) == 0 {
		return nil
	}
	distinct := 1
	for i := 1; i < len(sorted) && distinct <= limit; i++ {
		if sorted[i] != sorted[i-1] {
			distinct++
		}
	}
	lower := make([]float32, 1, min(distinct, limit))
	lower[0] = sorted[0]
	if distinct <= limit {
		for i := 1; i < len(sorted); i++ {
			if sorted[i] != sorted[i-1] {
				lower = append(lower, sorted[i])
			}
		}
		return lower
	}
	n := int64(len(sorted))
	for k := int64(1); k < int64(limit); k++ {
		if c := sorted[k*n/int64(limit)]; c > lower[len(lower)-1] {
			lower = append(lower, c)
		}
	}
	return lower
}

// midpoint returns the smallest float32 above the exact midpoint m of a < b,
// so that for every float32 v, v < midpoint(a, b) exactly when v <= m: the
// rule scikit-learn applies with its float64 threshold m. a < result <= b.
func midpoint(a, b float32) float32 {
	m := (float64(a) + float64(b)) / 2
	t := float32(m)
	if float64(t) <= m {
		t = math.Nextafter32(t, float32(math.Inf(1)))
	}
	return t
}
