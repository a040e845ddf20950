package gbdt

import (
	"math"
)

// featureBins is the quantisation of the training features: for each feature,
// strictly increasing cut values. A value v falls into bin b = the number of
// cuts <= v, so bin b holds [cuts[b-1], cuts[b]) and a split "left if
// v < cuts[b]" sends exactly bins 0..b left, both in training (on bins) and
// in prediction (on values), and in XGBoost, which sends a row left when
// value < split_condition. Missing values get code nbins.
type featureBins struct {
	// cuts[f] are the upper bounds of feature f's bins; the last one is
	// greater than every training value, as in XGBoost.
	cuts [][]float32
	// minVal[f] is below every training value of f: the split value that
	// sends every non-missing row right (XGBoost's MinValues).
	minVal []float32
	// offset[f] is where feature f's nbins+1 histogram slots start; the last
	// slot collects missing values.
	offset []int32
	// slots is the total histogram length.
	slots int
}

// nbins returns the number of value bins of feature f (its missing code).
func (b *featureBins) nbins(f int) int { return len(b.cuts[f]) }

// cutsForSorted computes the cut values of one feature from its sorted,
// non-missing values (with -0 normalised to +0), allowing at most limit bins.
// Features with at most limit distinct values get one bin per value (the cut
// is the next distinct value, so integers split exactly); others get cuts at
// evenly spaced ranks. It returns the cuts and the feature's min value.
func cutsForSorted(sorted []float32, limit int) (cuts []float32, minVal float32) {
	if len(sorted) == 0 {
		// An all-missing feature: one empty bin, as XGBoost does.
		const mval = float32(1e-5)
		return []float32{mval + (mval + 1e-5)}, mval
	}
	lo, hi := sorted[0], sorted[len(sorted)-1]
	distinct := 1
	for i := 1; i < len(sorted) && distinct <= limit; i++ {
		if sorted[i] != sorted[i-1] {
			distinct++
		}
	}
	if distinct <= limit {
		cuts = make([]float32, 0, distinct)
		for i := 1; i < len(sorted); i++ {
			if sorted[i] != sorted[i-1] {
				cuts = append(cuts, sorted[i])
			}
		}
	} else {
		cuts = make([]float32, 0, limit)
		prev := lo
		n := int64(len(sorted))
		for k := int64(1); k < int64(limit); k++ {
			c := sorted[k*n/int64(limit)]
			if c > prev {
				cuts = append(cuts, c)
				prev = c
			}
		}
	}
	cuts = append(cuts, hi+(float32(math.Abs(float64(hi)))+1e-5))
	minVal = lo - float32(math.Abs(float64(lo))) - 1e-5
	return cuts, minVal
}

// binLimit is the number of value bins a feature may have: max_bin, or 255
// when it has missing values (code 255 then means missing).
func binLimit(maxBin int, hasMissing bool) int {
	if hasMissing && maxBin > 255 {
		return 255
	}
	return maxBin
}
