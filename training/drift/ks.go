package drift

import (
	"math"
	"slices"
)

// maxExactN is scipy's MAX_AUTO_N: method "auto" uses the exact
// distribution when both samples have at most this many values.
const maxExactN = 10000

// KS returns the two-sample Kolmogorov–Smirnov statistic d (the largest
// distance between the empirical distribution functions of a and b) and its
// two-sided p-value, as scipy.stats.ks_2samp(a, b) computes them (scipy
// 1.10, method "auto") after dropping NaNs from both samples. When the exact
// distribution is used, d is scipy's rounded value h/lcm(n1, n2). If either
// sample has no value left, d and p are NaN. The inputs are not modified.
func KS(a, b []float64) (d, p float64) {
	x, _ := sortedValues(a)
	y, _ := sortedValues(b)
	return ksSorted(x, y)
}

// sortedValues returns a sorted copy of v without its NaNs, and how many
// NaNs it dropped.
func sortedValues(v []float64) (sorted []float64, nans int) {
	sorted = make([]float64, 0, len(v))
	for _, x := range v {
		if x != x {
			nans++
			continue
		}
		sorted = append(sorted, x)
	}
	slices.Sort(sorted)
	return sorted, nans
}

// ksSorted is KS on two sorted samples without NaNs.
func ksSorted(x, y []float64) (d, p float64) {
	n1, n2 := len(x), len(y)
	if n1 == 0 || n2 == 0 {
		return math.NaN(), math.NaN()
	}
	d = ksStatistic(x, y)
	return ksPValue(d, n1, n2)
}

// ksStatistic returns max |F1(v) - F2(v)| over the values v of both sorted
// samples, with F1(v) = #{x ≤ v}/n1 computed as scipy does (the count
// divided by n, then the difference), so ties in and across the samples are
// handled as searchsorted(side="right") handles them.
func ksStatistic(x, y []float64) float64 {
	n1, n2 := len(x), len(y)
	f1, f2 := float64(n1), float64(n2)
	var maxDiff, minDiff float64
	i, j := 0, 0
	for i < n1 || j < n2 {
		var v float64
		if j >= n2 || (i < n1 && x[i] <= y[j]) {
			v = x[i]
		} else {
			v = y[j]
		}
		for i < n1 && x[i] <= v {
			i++
		}
		for j < n2 && y[j] <= v {
			j++
		}
		diff := float64(i)/f1 - float64(j)/f2
		maxDiff = max(maxDiff, diff)
		minDiff = min(minDiff, diff)
	}
	return max(maxDiff, min(-minDiff, 1))
}

// ksPValue returns scipy's two-sided p-value of statistic d for sample sizes
// n1 and n2, and d itself as scipy reports it (rounded to h/lcm when the
// exact distribution is attempted).
func ksPValue(d float64, n1, n2 int) (float64, float64) {
	g := gcd(n1, n2)
	if max(n1, n2) <= maxExactN {
		ok, dd, prob := exactKS(n1, n2, g, d)
		d = dd // scipy keeps the rounded statistic even when it falls back
		if ok {
			return d, clip01(prob)
		}
	}
	m, n := float64(max(n1, n2)), float64(min(n1, n2))
	en := m * n / (m + n)
	return d, clip01(kolmogorovSF(int(math.RoundToEven(en)), d))
}

// exactKS is scipy's _attempt_exact_2kssamp for the two-sided alternative:
// the probability that the statistic of two samples of sizes n1 and n2 from
// one distribution is at least d. It reports false when the computation is
// not a probability (scipy then falls back to the asymptotic distribution).
func exactKS(n1, n2, g int, d float64) (ok bool, dRounded, prob float64) {
	lcm := (n1 / g) * n2
	h := int(math.RoundToEven(d * float64(lcm)))
	dRounded = float64(h) / float64(lcm)
	if h == 0 {
		return true, dRounded, 1
	}
	if n1 == n2 {
		prob = probOutsideSquare(n1, h)
	} else {
		prob = outerProbInside(n1, n2, g, h)
	}
	if !(prob >= 0 && prob <= 1) {
		return false, dRounded, prob
	}
	return true, dRounded, prob
}

// probOutsideSquare is scipy's _compute_prob_outside_square: for two
// samples of size n, Pr(D ≥ h/n), the share of lattice paths from (0,0) to
// (n,n) that reach one of the lines x - y = ±h, by a Horner-like
// alternating sum.
func probOutsideSquare(n, h int) float64 {
	p := 0.0
	for k := n / h; k >= 0; k-- {
		p1 := 1.0
		for j := 0; j < h; j++ {
			p1 = float64(n-k*h-j) * p1 / float64(n+k*h+j+1)
		}
		p = p1 * (1 - p)
	}
	return 2 * p
}

// outerProbInside is scipy's _compute_outer_prob_inside_method: the share of
// lattice paths from (0,0) to (m,n) that leave the band
// |x/m - y/n| < h/lcm(m,n), computed as 1 - p directly (Viehmann's
// recursion, arXiv:2102.08037) on a sliding window of one column.
func outerProbInside(m, n, g, h int) float64 {
	if m < n {
		m, n = n, m
	}
	mg, ng := m/g, n/g
	minj, maxj := 0, min(int(math.Ceil(float64(h)/float64(mg))), n+1)
	curlen := maxj - minj
	lenA := min(2*maxj+2, n+1)
	a := make([]float64, lenA)
	for j := range a {
		a[j] = 1
	}
	for j := minj; j < maxj; j++ {
		a[j] = 0
	}
	for i := 1; i <= m; i++ {
		lastminj, lastlen := minj, curlen
		minj = max(int(math.Floor(float64(ng*i-h)/float64(mg)))+1, 0)
		minj = min(minj, n)
		maxj = min(int(math.Ceil(float64(ng*i+h)/float64(mg))), n+1)
		if maxj <= minj {
			return 1
		}
		val := 1.0
		if minj == 0 {
			val = 0
		}
		fi := float64(i)
		for jj := 0; jj < maxj-minj; jj++ {
			j := jj + minj
			val = (a[jj+minj-lastminj]*fi + val*float64(j)) / float64(i+j)
			a[jj] = val
		}
		curlen = maxj - minj
		if lastlen > curlen {
			for k := maxj - minj; k < min(maxj-minj+lastlen-curlen, lenA); k++ {
				a[k] = 1
			}
		}
	}
	return a[maxj-minj-1]
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func clip01(p float64) float64 {
	if p < 0 {
		return 0
	}
	if p > 1 {
		return 1
	}
	return p
}
