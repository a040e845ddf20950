package tuning

import (
	"cmp"
	"math"
	"slices"
)

// numericParzen is the Parzen estimator of a numeric parameter: a mixture
// of Gaussians truncated to the domain's [lo, hi], one centred on each
// observation (in the internal scale) and a prior centred on the range
// with the range's width as its standard deviation (Optuna's
// consider_prior, prior_weight 1). Each component's density is
// normalised: Optuna 3.1's lacks the 1/σ factor, so its narrow components
// weigh too little (optuna#5109, fixed in 3.5); here is the fixed one.
type numericParzen struct {
	d       domain
	weights []float64 // the components', the prior's last; they sum to 1
	mus     []float64
	sigmas  []float64
}

// newNumericParzen fits an estimator to xs, values in d's internal scale
// in trial order.
func newNumericParzen(xs []float64, d domain) *numericParzen {
	mus := append(slices.Clone(xs), 0.5*(d.lo+d.hi))
	sigmas := bandwidths(mus, d.lo, d.hi)
	sigmas[len(xs)] = d.hi - d.lo
	return &numericParzen{d: d, weights: mixtureWeights(len(xs)), mus: mus, sigmas: sigmas}
}

// bandwidths returns the standard deviations of components centred on
// mus within [lo, hi] by Optuna's univariate rule: each is the larger gap
// to its neighbours in sorted order (lo and hi bounding the ends), but the
// lowest and highest take their gap to the inner neighbour only
// (consider_endpoints=false); then all are clipped to
// [(hi−lo)/min(100, 1+len(mus)), hi−lo] (the magic clip).
func bandwidths(mus []float64, lo, hi float64) []float64 {
	order := make([]int, len(mus))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(mus[i], mus[j]) })
	// e is the sorted centres between lo and hi: centre k is e[k+1].
	e := make([]float64, 0, len(mus)+2)
	e = append(e, lo)
	for _, i := range order {
		e = append(e, mus[i])
	}
	e = append(e, hi)

	m := len(mus)
	minSigma := (hi - lo) / math.Min(100, float64(1+m))
	sigmas := make([]float64, m)
	for k, i := range order {
		s := math.Max(e[k+1]-e[k], e[k+2]-e[k+1])
		switch {
		case m >= 2 && k == 0:
			s = e[2] - e[1]
		case m >= 2 && k == m-1:
			s = e[m] - e[m-1]
		}
		sigmas[i] = min(max(s, minSigma), hi-lo)
	}
	return sigmas
}

// draw picks a component by weight and draws from its truncated Gaussian,
// returning the value in the external scale (rounded for integers).
func (e *numericParzen) draw(r *stream) float64 {
	k := pick(e.weights, r.float())
	return e.d.external(truncNormal(e.mus[k], e.sigmas[k], e.d.lo, e.d.hi, r.float()))
}

// logPDF returns the log density of the mixture at the value v (in the
// external scale), or, for integers on a linear scale, the log of the
// mass of v's bin [v−0.5, v+0.5].
func (e *numericParzen) logPDF(v float64) float64 {
	x := e.d.internal(v)
	terms := make([]float64, len(e.mus))
	for k, mu := range e.mus {
		sigma := e.sigmas[k]
		a, b := (e.d.lo-mu)/sigma, (e.d.hi-mu)/sigma
		var lp float64
		if e.d.discrete() {
			lo, hi := max(x-0.5, e.d.lo), min(x+0.5, e.d.hi)
			lp = math.Log(normalMass((lo-mu)/sigma, (hi-mu)/sigma))
		} else {
			z := (x - mu) / sigma
			lp = -0.5*z*z - math.Log(sigma) - 0.5*math.Log(2*math.Pi)
		}
		terms[k] = math.Log(e.weights[k]) + lp - math.Log(normalMass(a, b))
	}
	return logSumExp(terms)
}

// categoricalParzen is the Parzen estimator of a list of choices: the
// mixture of one distribution per observation (its choice weighs 1, every
// choice priorWeight/(N+1), normalised) and a uniform prior, which is one
// distribution over the choices (drawing it at once gives the same draws'
// law as Optuna's component first, then choice).
type categoricalParzen struct {
	probs []float64
}

// newCategoricalParzen fits an estimator over k choices to xs, indices of
// choices in trial order.
func newCategoricalParzen(xs []float64, k int) *categoricalParzen {
	n := len(xs)
	w := mixtureWeights(n)
	smooth := priorWeight / float64(n+1)
	probs := make([]float64, k)
	for c := range probs {
		probs[c] = w[n] / float64(k) // the prior's share
	}
	for i, x := range xs {
		row := 1 + smooth*float64(k)
		for c := range probs {
			probs[c] += w[i] * smooth / row
		}
		probs[int(x)] += w[i] / row
	}
	return &categoricalParzen{probs: probs}
}

// draw returns the index of a choice drawn by probability.
func (e *categoricalParzen) draw(r *stream) float64 {
	return float64(pick(e.probs, r.float()))
}

// logPDF returns the log probability of the choice with index x.
func (e *categoricalParzen) logPDF(x float64) float64 {
	return math.Log(e.probs[int(x)])
}

// pick returns the index i where u (in [0, 1)) falls among the cumulated
// weights w (summing to 1; the last index takes what rounding leaves).
func pick(w []float64, u float64) int {
	var cum float64
	for i, p := range w[:len(w)-1] {
		if cum += p; u < cum {
			return i
		}
	}
	return len(w) - 1
}

// normalCDF is the standard normal distribution function Φ.
func normalCDF(z float64) float64 {
	return 0.5 * math.Erfc(-z/math.Sqrt2)
}

// normalMass returns P(a ≤ Z ≤ b) for a standard normal Z, precise in
// both tails.
func normalMass(a, b float64) float64 {
	if a > 0 {
		return normalCDF(-a) - normalCDF(-b)
	}
	return normalCDF(b) - normalCDF(a)
}

// truncNormal maps u in [0, 1) to a draw from N(mu, sigma²) truncated to
// [lo, hi] by inverting its distribution function. mu lies in [lo, hi]
// and sigma is at most hi−lo, so the truncated mass is never tiny.
func truncNormal(mu, sigma, lo, hi, u float64) float64 {
	pa, pb := normalCDF((lo-mu)/sigma), normalCDF((hi-mu)/sigma)
	x := mu + sigma*(-math.Sqrt2*math.Erfcinv(2*(pa+u*(pb-pa))))
	return min(max(x, lo), hi)
}

// logSumExp returns log Σ exp(t) without overflow.
func logSumExp(t []float64) float64 {
	m := math.Inf(-1)
	for _, v := range t {
		m = max(m, v)
	}
	if math.IsInf(m, -1) {
		return m
	}
	var s float64
	for _, v := range t {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}
