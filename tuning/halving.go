package tuning

import (
	"math"
	"slices"
)

// Halving is successive halving on a learner's units (boosting rounds,
// trees, epochs): a trial is trained and scored on every fold at each
// rung's units in turn, and stops at a rung where it is not in the top
// 1/Eta of the trials already scored there.
type Halving struct {
	// Rungs are the units of each rung, ascending; the last is the
	// trial's full count. One rung means no early stopping.
	Rungs []int `json:"rungs"`
	// Eta is the reduction factor (3: a third go on).
	Eta int `json:"eta"`
}

// DefaultEta is the reduction factor between rungs.
const DefaultEta = 3

// NewHalving makes rungs full/Eta^j (j = 0..) down to no fewer than
// minUnits units and at most maxRungs rungs.
func NewHalving(full, minUnits, maxRungs, eta int) Halving {
	h := Halving{Eta: eta}
	for u := float64(full); len(h.Rungs) < maxRungs; u /= float64(eta) {
		n := int(math.Round(u))
		if n < minUnits || (len(h.Rungs) > 0 && n >= h.Rungs[len(h.Rungs)-1]) {
			break
		}
		h.Rungs = append(h.Rungs, n)
	}
	if len(h.Rungs) == 0 {
		h.Rungs = []int{full}
	}
	slices.Reverse(h.Rungs)
	return h
}

// Continue says whether a trial whose value at rung r is v goes on to the
// next rung, given the values (as gains: larger is better) of the trials
// judged before it at that rung. With fewer than Eta of them there is
// nothing to judge by and it goes on; otherwise it goes on when v is at
// least the k-th best of them, k = ceil(len/Eta). The last rung never
// continues.
func (h Halving) Continue(r int, v float64, earlier []float64) bool {
	if r >= len(h.Rungs)-1 {
		return false
	}
	if len(earlier) < h.Eta || math.IsNaN(v) {
		return len(earlier) < h.Eta
	}
	s := slices.Clone(earlier)
	slices.SortFunc(s, func(a, b float64) int {
		switch {
		case a > b:
			return -1
		case a < b:
			return 1
		}
		return 0
	})
	k := (len(s) + h.Eta - 1) / h.Eta
	return v >= s[k-1]
}
