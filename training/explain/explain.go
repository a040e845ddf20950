// Package explain holds what every tree model's explanations share: a
// feature's contribution to one score, and picking the ones that pushed it
// up the most.
package explain

// Contribution is one feature's contribution to a row's score (in the
// model's own units: margin for boosted trees, probability for forests,
// path shortening for isolation forests).
type Contribution struct {
	Feature int
	Value   float64
}

// Top returns the at most k largest positive values of c with their
// indices, largest first, a lower index first among equals; nil for k <= 0
// or when none is positive.
func Top(c []float64, k int) []Contribution {
	if k <= 0 {
		return nil
	}
	var top []Contribution
	for f, v := range c {
		if !(v > 0) || (len(top) == k && v <= top[k-1].Value) {
			continue
		}
		if top == nil {
			top = make([]Contribution, 0, min(k, len(c)))
		}
		// Insert after every value >= v: earlier features win ties.
		j := len(top)
		for j > 0 && top[j-1].Value < v {
			j--
		}
		if len(top) < k {
			top = append(top, Contribution{})
		}
		copy(top[j+1:], top[j:len(top)-1])
		top[j] = Contribution{Feature: f, Value: v}
	}
	return top
}

// TopOf computes a row's contributions to features values and a bias with
// contributions (which writes features+1 values) into scratch when it has
// room (else a new slice), and returns Top of the features' values.
func TopOf(features, k int, scratch []float64, contributions func(out []float64) error) ([]Contribution, error) {
	if cap(scratch) < features+1 {
		scratch = make([]float64, features+1)
	}
	c := scratch[:features+1]
	if err := contributions(c); err != nil {
		return nil, err
	}
	return Top(c[:features], k), nil
}
