package gbdt

import "math"

// split is the best split found for a node.
type split struct {
	// lossChange is the split's gain: the children's scores minus the
	// node's (XGBoost's loss_chg).
	lossChange float64
	feature    int
	// bin is the last bin that goes left (-1: none); the split value is
	// binnedMatrix.threshold(feature, bin).
	bin int
	// defaultLeft sends missing values left.
	defaultLeft bool
	left, right gradSum
}

// findSplit scans the histogram of a node with total sum and score nodeScore
// over the given features (ascending), as XGBoost's hist evaluator does:
// forward (missing values right) and, when the node has missing values for
// the feature, backward (missing values left). Both children must carry a
// hessian of at least min_child_weight. Ties keep the earlier candidate in
// that scan order (lower feature first, as XGBoost's SplitEntry does). ok is
// false when no candidate was valid.
func findSplit(h histogram, bm *binnedMatrix, feats []int32, sum gradSum, nodeScore float64,
	reg regularization, sc fixedScale) (best split, ok bool) {
	// Hessians are >= 0, so the left side's only grows and the right side's
	// only shrinks along a scan: candidates before the left side reaches
	// min_child_weight are skipped, and the scan stops once the right side
	// drops below it. An empty bin repeats the previous candidate, which
	// cannot win a strict comparison, so it is skipped too.
	invG, invH := 1/sc.g, 1/sc.h // powers of two: exact
	mcw, lambda, alpha := reg.minChildWeight, reg.lambda, reg.alpha
	side := func(g, h int64) float64 {
		gf, hf := float64(g)*invG, float64(h)*invH
		if hf <= 0 {
			return 0
		}
		t := gf
		if alpha != 0 {
			t = thresholdL1(gf, alpha)
		}
		return t * t / (hf + lambda)
	}
	best.lossChange = math.Inf(-1)
	for _, f32 := range feats {
		f := int(f32)
		nb := bm.bins.nbins(f)
		fh := h[bm.bins.offset[f] : int(bm.bins.offset[f])+nb+1]
		var acc gradSum
		for b := 0; b < nb; b++ {
			e := fh[b]
			if e.g == 0 && e.h == 0 {
				continue
			}
			acc.g += e.g
			acc.h += e.h
			if float64(acc.h)*invH < mcw {
				continue
			}
			rest := sum.sub(acc)
			if float64(rest.h)*invH < mcw {
				break
			}
			chg := side(acc.g, acc.h) + side(rest.g, rest.h) - nodeScore
			if chg > best.lossChange {
				best = split{lossChange: chg, feature: f, bin: b, left: acc, right: rest}
				ok = true
			}
		}
		if miss := fh[nb]; miss.g == 0 && miss.h == 0 {
			continue // no missing values in this node
		}
		acc = gradSum{}
		for b := nb - 1; b >= 0; b-- {
			e := fh[b]
			if e.g == 0 && e.h == 0 {
				continue
			}
			acc.g += e.g
			acc.h += e.h
			if float64(acc.h)*invH < mcw {
				continue
			}
			rest := sum.sub(acc)
			if float64(rest.h)*invH < mcw {
				break
			}
			chg := side(rest.g, rest.h) + side(acc.g, acc.h) - nodeScore
			if chg > best.lossChange {
				best = split{lossChange: chg, feature: f, bin: b - 1, defaultLeft: true, left: rest, right: acc}
				ok = true
			}
		}
	}
	return best, ok
}

// expandable reports whether a split is taken (XGBoost's
// CPUExpandEntry::IsValid without the depth check): a loss change above
// kRtEps and at least gamma, and a non-empty hessian on both sides.
func (s split) expandable(reg regularization) bool {
	return s.lossChange > kRtEps && s.left.h != 0 && s.right.h != 0 && s.lossChange >= reg.gamma
}
