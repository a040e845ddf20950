package gbdt

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
	best.lossChange = -1
	mcw := reg.minChildWeight
	consider := func(left, right gradSum, f, bin int, defaultLeft bool) {
		gl, hl := sc.float(left)
		gr, hr := sc.float(right)
		if hl < mcw || hr < mcw {
			return
		}
		chg := reg.childGain(gl, hl) + reg.childGain(gr, hr) - nodeScore
		if !ok || chg > best.lossChange {
			best = split{lossChange: chg, feature: f, bin: bin, defaultLeft: defaultLeft, left: left, right: right}
			ok = true
		}
	}
	for _, f32 := range feats {
		f := int(f32)
		nb := bm.bins.nbins(f)
		fh := h[bm.bins.offset[f] : int(bm.bins.offset[f])+nb+1]
		var acc gradSum
		for b := 0; b < nb; b++ {
			acc = acc.add(fh[b])
			consider(acc, sum.sub(acc), f, b, false)
		}
		if acc == sum {
			continue // no missing values in this node
		}
		acc = gradSum{}
		for b := nb - 1; b >= 0; b-- {
			acc = acc.add(fh[b])
			consider(sum.sub(acc), acc, f, b-1, true)
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
