package gbdt

// kRtEps is XGBoost's minimum loss change for a split to count.
const kRtEps = 1e-6

// regularization holds the parameters of XGBoost's leaf weight and gain
// formulas (param.h CalcWeight, CalcGain; split_evaluator.h).
type regularization struct {
	lambda, alpha, minChildWeight, gamma float64
}

func newRegularization(p Params) regularization {
	return regularization{lambda: p.Lambda, alpha: p.Alpha, minChildWeight: p.MinChildWeight, gamma: p.Gamma}
}

// thresholdL1 soft-thresholds a gradient sum by alpha (L1 regularisation).
func thresholdL1(g, alpha float64) float64 {
	switch {
	case g > alpha:
		return g - alpha
	case g < -alpha:
		return g + alpha
	}
	return 0
}

// weight is the optimal leaf weight -T(G)/(H+lambda) before the learning
// rate, or 0 when H is below min_child_weight (CalcWeight).
func (r regularization) weight(g, h float64) float64 {
	if h < r.minChildWeight || h <= 0 {
		return 0
	}
	return -thresholdL1(g, r.alpha) / (h + r.lambda)
}

// nodeGain is a node's score T(G)²/(H+lambda), or 0 when H is below
// min_child_weight (CalcGain); a split's loss change subtracts it.
func (r regularization) nodeGain(g, h float64) float64 {
	if h < r.minChildWeight || h <= 0 {
		return 0
	}
	t := thresholdL1(g, r.alpha)
	return t * t / (h + r.lambda)
}

// childGain is one side's score in a split's gain (the evaluator's
// CalcGainGivenWeight): T(G)²/(H+lambda), 0 for an empty side.
func (r regularization) childGain(g, h float64) float64 {
	if h <= 0 {
		return 0
	}
	t := thresholdL1(g, r.alpha)
	return t * t / (h + r.lambda)
}
