package drift

import (
	"math"
	"slices"
	"sort"
)

// The population stability index (PSI) of a feature compares the shares
// of training and recent values that fall in each of the training data's
// deciles:
//
//	PSI = Σ (r − t)·ln(r/t)
//
// over the bins, t and r being a bin's share of the training and recent
// values. It reads, by the usual rule of thumb: below 0.1 stable, 0.1 to
// 0.25 a moderate shift, above 0.25 a major one. Unlike the KS p-value,
// which a large sample drives down for the smallest shift, it measures the
// size of the shift.
//
// The bins are cut at the training values' deciles: the 10%, 20%, … 90%
// quantiles of the sorted training column, interpolated linearly between
// neighbours as numpy.quantile does by default (method "linear"), with
// repeated edges kept once, so a feature with few distinct values gets
// fewer than 10 bins. The bins are closed on the right: bin k holds the
// values v with edge[k-1] < v ≤ edge[k] (the first has no lower bound, the
// last no upper one), so a value equal to an edge counts in the bin below
// it: numpy.searchsorted(edges, v, side="left"). A feature that is mostly
// at its smallest value (a count that is usually 0) thus keeps that value
// in a bin of its own, apart from everything above it.
const (
	psiQuantiles = 10
	// psiEpsilon stands for the share of an empty bin, on either side,
	// so that ln(r/t) is finite; a bin empty on both sides adds 0.
	psiEpsilon = 1e-4
)

// PSI returns the population stability index of recent against train (see
// above) after dropping NaNs from both; NaN if either has no value left.
// The inputs are not modified.
func PSI(train, recent []float64) float64 {
	x, _ := sortedValues(train)
	y, _ := sortedValues(recent)
	if len(x) == 0 || len(y) == 0 {
		return math.NaN()
	}
	edges := psiEdges(x)
	return psiOf(binShares(x, edges), binShares(y, edges))
}

// psiEdges returns the distinct deciles of a sorted, non-empty sample:
// the upper edges of all bins but the last.
func psiEdges(sorted []float64) []float64 {
	edges := make([]float64, 0, psiQuantiles-1)
	for k := 1; k < psiQuantiles; k++ {
		edges = append(edges, quantile(sorted, float64(k)/psiQuantiles))
	}
	slices.Sort(edges) // already in order but for rounding in the last bit
	return slices.Compact(edges)
}

// quantile is numpy.quantile(sorted, q) with the default method "linear":
// the value at position q·(n−1), interpolated between its neighbours with
// numpy's formula (from the nearer neighbour's side).
func quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	pos := float64(n-1) * q
	if pos >= float64(n-1) {
		return sorted[n-1]
	}
	lo := math.Floor(pos)
	a, b := sorted[int(lo)], sorted[int(lo)+1]
	if a == b {
		return a // also for infinities, where b − a is NaN
	}
	g := pos - lo
	if g >= 0.5 {
		return b - (b-a)*(1-g)
	}
	return a + (b-a)*g
}

// binShares returns the share of a sorted, non-empty sample in each of the
// len(edges)+1 bins (right-closed, see above).
func binShares(sorted []float64, edges []float64) []float64 {
	n := float64(len(sorted))
	shares := make([]float64, len(edges)+1)
	below := 0 // values in the bins before k
	for k, e := range edges {
		upTo := sort.Search(len(sorted), func(i int) bool { return sorted[i] > e })
		shares[k] = float64(upTo-below) / n
		below = upTo
	}
	shares[len(edges)] = float64(len(sorted)-below) / n
	return shares
}

// psiOf is Σ (r − t)·ln(r/t) over the bins, an empty bin's share counting
// as psiEpsilon.
func psiOf(train, recent []float64) float64 {
	psi := 0.0
	for k, t := range train {
		r := recent[k]
		if t == 0 {
			t = psiEpsilon
		}
		if r == 0 {
			r = psiEpsilon
		}
		psi += (r - t) * math.Log(r/t)
	}
	return psi
}

// PSILevel is the usual reading of a PSI: "stable" below 0.1, "moderate"
// from 0.1 to 0.25, "major" above 0.25; "unknown" for NaN (nothing to
// compare).
func PSILevel(psi float64) string {
	switch {
	case math.IsNaN(psi):
		return "unknown"
	case psi < 0.1:
		return "stable"
	case psi <= 0.25:
		return "moderate"
	}
	return "major"
}
