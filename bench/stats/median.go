// Package stats holds the small statistics the benchmarks report.
package stats

import (
	"math"
	"slices"
)

// Median returns the median of v (the mean of the middle two for an even
// count), NaN for none; v is not changed.
func Median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return math.NaN()
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
