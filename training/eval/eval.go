// Package eval measures binary classifiers: confusion matrices, ROC and
// precision-recall areas computed the way scikit-learn computes them,
// threshold choice, and per-family detection rates. Scores are
// probabilities of the positive class; a row is predicted positive when its
// score is at least the threshold. A label of 0 is negative, any other
// label positive.
//
// Ratios whose denominator is zero (precision with no predicted positives,
// an AUC over one class only) are defined as 0, because NaN and infinity
// cannot be written as JSON.
//
// Every function takes scores and labels of the same length (and families
// of that length or nil); a length mismatch is a programming error and
// panics.
package eval

import "fmt"

// checkLengths panics when the slices do not line up.
func checkLengths(scores []float64, labels []int) {
	if len(scores) != len(labels) {
		panic(fmt.Sprintf("eval: %d scores but %d labels", len(scores), len(labels)))
	}
}

// ratio is a/b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
