package tuning

import (
	"cmp"
	"slices"
)

// The tree-structured Parzen estimator (TPE) of Optuna 3.1's TPESampler
// with its defaults, univariate: each parameter is drawn on its own from
// the observations that have a value of it. They are ranked and split
// into the good ones (the best gamma(N)) and the bad ones (the rest); a
// Parzen estimator l is fitted to the good values and g to the bad ones;
// candidates are drawn from l and the one with the largest l(x)/g(x) is
// the trial's value.

// priorWeight is the weight of the prior component of every Parzen
// estimator (Optuna's prior_weight), before normalising.
const priorWeight = 1.0

// point is one usable observation of a parameter: its value x (in the
// parameter's internal scale, or the index of a choice) and how the trial
// ranks.
type point struct {
	x      float64
	value  float64
	pruned bool
}

// parzen is a Parzen estimator over one parameter's values: numbers in
// their external scale (rounded for integers), or indices of choices.
type parzen interface {
	// draw returns a value drawn from the estimator.
	draw(r *stream) float64
	// logPDF returns the log of the estimator's density (or mass) at x.
	logPDF(x float64) float64
}

// split ranks pts, complete trials before pruned ones and then by value,
// larger first (ties in trial order), and returns the values of the
// gamma(N) best (good) and those of the rest (bad), each in trial order.
func split(pts []point) (good, bad []float64) {
	order := make([]int, len(pts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return compareRank(pts[i], pts[j]) })
	isGood := make([]bool, len(pts))
	for _, i := range order[:gamma(len(pts))] {
		isGood[i] = true
	}
	for i, p := range pts {
		if isGood[i] {
			good = append(good, p.x)
		} else {
			bad = append(bad, p.x)
		}
	}
	return good, bad
}

// compareRank orders a before b when a ranks better: complete before
// pruned, then the larger value.
func compareRank(a, b point) int {
	if a.pruned != b.pruned {
		if a.pruned {
			return 1
		}
		return -1
	}
	return cmp.Compare(b.value, a.value)
}

// gamma is how many of n ranked observations are good: Optuna's
// default_gamma, min(ceil(0.1·n), 25).
func gamma(n int) int {
	return min((n+9)/10, 25)
}

// mixtureWeights returns the weights of the components of an estimator
// fitted to n observations in trial order, then of its prior, summing to
// 1: Optuna's default_weights (1 each, but beyond 25 observations the
// older ones ramp up from 1/n to 1, so the 25 latest weigh fully) and
// priorWeight.
func mixtureWeights(n int) []float64 {
	w := make([]float64, n+1)
	ramp := max(n-25, 0)
	for i := range n {
		w[i] = 1
		if i < ramp {
			w[i] = linspace(1/float64(n), 1, ramp, i)
		}
	}
	w[n] = priorWeight
	var sum float64
	for _, v := range w {
		sum += v
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// linspace returns the i-th of num evenly spaced numbers from start to
// stop, as numpy.linspace.
func linspace(start, stop float64, num, i int) float64 {
	if num == 1 {
		return start
	}
	return start + float64(i)*(stop-start)/float64(num-1)
}

// bestCandidate draws n candidates from l and returns the one with the
// largest log l(x) − log g(x), the first of equals (Optuna's argmax).
func bestCandidate(l, g parzen, r *stream, n int) float64 {
	var best, bestScore float64
	for i := range n {
		x := l.draw(r)
		score := l.logPDF(x) - g.logPDF(x)
		if i == 0 || score > bestScore {
			best, bestScore = x, score
		}
	}
	return best
}
