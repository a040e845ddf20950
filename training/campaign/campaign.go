// Package campaign groups anomalies into campaigns: DBSCAN over their
// feature vectors, as the bot detector of the bot detector does (its step A8), so
// that alerts raised by one coordinated actor share a campaign ID and lone
// anomalies get -1.
//
// Cluster follows scikit-learn's DBSCAN (Euclidean distance, a point's
// neighbourhood includes the point itself and every point at distance <= eps,
// a core point has at least minSamples points in its neighbourhood, border
// points join the first cluster that reaches them), optionally after
// scikit-learn's StandardScaler. It is written here rather than taken from
// golearn: golearn's clustering.DBSCAN (v0.0.0-20221228163002) panics
// ("Shouldn't happen!") whenever a noise point seen first is the neighbour
// of a core point seen later, and never gives such border points a cluster.
//
// The package holds the algorithm only: no Temporal, no SQL.
package campaign

import (
	"fmt"
	"math"
)

const (
	// Noise is the campaign ID of an anomaly in no campaign.
	Noise = -1
	// DefaultMinSamples is the bot detector's CLUSTERING_MIN_SAMPLES.
	DefaultMinSamples = 3
	// DefaultEps is scikit-learn's default eps; the bot detector sets none, so its
	// DBSCAN runs with it (on standard-scaled features, where 0.5 is half a
	// standard deviation).
	DefaultEps = 0.5
	// MaxVectors bounds one call: Cluster compares every pair of vectors
	// (O(n²·d) time, O(n·d) memory), about a second for 10,000 vectors of
	// 35 features (1.3 s when all are one campaign). Cluster a window of
	// alerts at a time, or sample.
	MaxVectors = 10000
)

// Cluster returns the campaign ID of each vector: DBSCAN with radius eps
// and minSamples, over the vectors standard-scaled first when scale is set
// (each feature centred on its mean and divided by its population standard
// deviation; a constant feature is only centred). IDs are 0, 1, 2, ...
// numbered in the order of each campaign's first vector; Noise (-1) marks
// vectors in no campaign. The same vectors always give the same IDs. Every
// vector must have the same length, at least 1, and finite values.
func Cluster(vectors [][]float64, eps float64, minSamples int, scale bool) ([]int, error) {
	if !(eps > 0) || math.IsInf(eps, 1) {
		return nil, fmt.Errorf("campaign: eps %v is not a positive number", eps)
	}
	if minSamples < 1 {
		return nil, fmt.Errorf("campaign: min samples %d is below 1", minSamples)
	}
	n := len(vectors)
	if n == 0 {
		return []int{}, nil
	}
	if n > MaxVectors {
		return nil, fmt.Errorf("campaign: %d vectors, at most %d per call", n, MaxVectors)
	}
	d := len(vectors[0])
	if d == 0 {
		return nil, fmt.Errorf("campaign: vectors have no features")
	}
	x := make([]float64, 0, n*d)
	for i, v := range vectors {
		if len(v) != d {
			return nil, fmt.Errorf("campaign: vector %d has %d values; want %d", i, len(v), d)
		}
		for j, f := range v {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("campaign: vector %d feature %d is %v; DBSCAN needs finite values", i, j, f)
			}
		}
		x = append(x, v...)
	}
	if scale {
		standardize(x, n, d)
	}
	return dbscan(x, n, d, eps, minSamples), nil
}

// dbscan labels the n points of the row-major n×d matrix x as
// scikit-learn's DBSCAN does, then renumbers the clusters by first member.
func dbscan(x []float64, n, d int, eps float64, minSamples int) []int {
	eps2 := eps * eps
	near := func(p, q int) bool {
		a, b := x[p*d:(p+1)*d], x[q*d:(q+1)*d]
		s := 0.0
		for k := range a {
			t := a[k] - b[k]
			s += t * t
			if s > eps2 {
				return false
			}
		}
		return true
	}

	// Neighbourhood sizes, the point itself included.
	count := make([]int, n)
	for p := 0; p < n; p++ {
		count[p]++
		for q := p + 1; q < n; q++ {
			if near(p, q) {
				count[p]++
				count[q]++
			}
		}
	}

	// Grow each cluster from its lowest-numbered core point; only core
	// points are expanded, so a border point goes to the first cluster
	// that reaches it. Points are labelled when queued, so each is queued
	// once.
	labels := make([]int, n)
	for i := range labels {
		labels[i] = Noise
	}
	stack := make([]int, 0, 64)
	next := 0
	for i := 0; i < n; i++ {
		if labels[i] != Noise || count[i] < minSamples {
			continue
		}
		labels[i] = next
		stack = append(stack[:0], i)
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for q := 0; q < n; q++ {
				if labels[q] != Noise || !near(p, q) {
					continue
				}
				labels[q] = next
				if count[q] >= minSamples {
					stack = append(stack, q)
				}
			}
		}
		next++
	}
	return renumber(labels, next)
}

// renumber maps cluster IDs to 0, 1, 2, ... in the order of each cluster's
// first point, leaving Noise alone.
func renumber(labels []int, clusters int) []int {
	to := make([]int, clusters)
	for i := range to {
		to[i] = -1
	}
	id := 0
	for i, l := range labels {
		if l == Noise {
			continue
		}
		if to[l] < 0 {
			to[l] = id
			id++
		}
		labels[i] = to[l]
	}
	return labels
}

// standardize scales the columns of the row-major n×d matrix x in place as
// scikit-learn's StandardScaler().fit_transform does: subtract the mean,
// divide by the population standard deviation, and leave the scale at 1
// for a feature whose variance is within rounding error of zero.
func standardize(x []float64, n, d int) {
	fn := float64(n)
	const eps = 2.220446049250313e-16
	for j := 0; j < d; j++ {
		sum := 0.0
		for i := 0; i < n; i++ {
			sum += x[i*d+j]
		}
		mean := sum / fn
		// Two passes with scikit-learn's correction for the rounding of
		// the mean.
		var dev, sq float64
		for i := 0; i < n; i++ {
			t := x[i*d+j] - mean
			dev += t
			sq += t * t
		}
		variance := (sq - dev*dev/fn) / fn
		scale := math.Sqrt(variance)
		if variance <= fn*eps*variance+(fn*mean*eps)*(fn*mean*eps) {
			scale = 1
		}
		for i := 0; i < n; i++ {
			x[i*d+j] = (x[i*d+j] - mean) / scale
		}
	}
}
