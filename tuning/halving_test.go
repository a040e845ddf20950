package tuning

import (
	"math"
	"slices"
	"testing"
)

func TestNewHalvingRungs(t *testing.T) {
	for _, c := range []struct {
		full, min, max, eta int
		want                []int
	}{
		{100, 10, 3, 3, []int{11, 33, 100}}, // 100/9 = 11.1, 100/3 = 33.3
		{60, 10, 3, 3, []int{20, 60}},       // 60/9 = 6.7 is below 10
		{3, 1, 3, 3, []int{1, 3}},           // epochs: 3/9 rounds to 0
		{20, 1, 3, 3, []int{2, 7, 20}},      // lstm's 20 epochs: 2.2, 6.7
		{1000, 10, 3, 3, []int{111, 333, 1000}},
		{1000, 10, 2, 3, []int{333, 1000}}, // at most 2 rungs
		{5, 10, 3, 3, []int{5}},            // the full count below min: one rung
		{10, 10, 3, 3, []int{10}},          // 10/3 = 3.3 is below 10
		{2, 1, 3, 3, []int{1, 2}},          // 2/3 rounds to 1
		{1, 1, 3, 3, []int{1}},             // 1/3 rounds to 0
		{100, 10, 3, 2, []int{25, 50, 100}},
	} {
		h := NewHalving(c.full, c.min, c.max, c.eta)
		if !slices.Equal(h.Rungs, c.want) || h.Eta != c.eta {
			t.Errorf("NewHalving(%d, %d, %d, %d) = %v eta %d, want %v eta %d", c.full, c.min, c.max, c.eta, h.Rungs, h.Eta, c.want, c.eta)
		}
	}
}

func TestHalvingLastRungNeverContinues(t *testing.T) {
	h := NewHalving(100, 10, 3, 3)
	for _, r := range []int{2, 3} {
		if h.Continue(r, 1, nil) || h.Continue(r, 1, []float64{0, 0, 0, 0}) {
			t.Errorf("rung %d of %v continues", r, h.Rungs)
		}
	}
	one := NewHalving(5, 10, 3, 3)
	if one.Continue(0, 1, nil) {
		t.Error("the only rung continues")
	}
}

// TestHalvingContinuesWithoutEnoughEarlier: with fewer than Eta earlier
// values there is nothing to judge by, so even the worst value, or NaN,
// goes on.
func TestHalvingContinuesWithoutEnoughEarlier(t *testing.T) {
	h := NewHalving(100, 10, 3, 3)
	for _, earlier := range [][]float64{nil, {0.9}, {0.9, 0.95}} {
		for _, v := range []float64{-1e9, 0.5, math.NaN()} {
			if !h.Continue(0, v, earlier) || !h.Continue(1, v, earlier) {
				t.Errorf("Continue(%v, %v) stops, want it to go on", v, earlier)
			}
		}
	}
}

// TestHalvingContinuesIffTopThird: with n earlier values, v goes on when
// it is at least the ceil(n/Eta)-th best of them.
func TestHalvingContinuesIffTopThird(t *testing.T) {
	h := NewHalving(100, 10, 3, 3)
	for _, c := range []struct {
		earlier []float64
		v       float64
		want    bool
	}{
		// n = 3: k = 1, at least the best.
		{[]float64{0.7, 0.9, 0.8}, 0.9, true},
		{[]float64{0.7, 0.9, 0.8}, 0.89, false},
		{[]float64{0.7, 0.9, 0.8}, 0.95, true},
		// n = 4: k = 2, at least the second best (0.8).
		{[]float64{0.8, 0.6, 0.9, 0.7}, 0.8, true},
		{[]float64{0.8, 0.6, 0.9, 0.7}, 0.79, false},
		// n = 6: k = 2, still the second best (0.8).
		{[]float64{0.4, 0.9, 0.5, 0.8, 0.6, 0.7}, 0.8, true},
		{[]float64{0.4, 0.9, 0.5, 0.8, 0.6, 0.7}, 0.75, false},
		// n = 7: k = 3, the third best (0.5).
		{[]float64{0.1, 0.7, 0.3, 0.5, 0.2, 0.6, 0.4}, 0.5, true},
		{[]float64{0.1, 0.7, 0.3, 0.5, 0.2, 0.6, 0.4}, 0.49, false},
		// Gains of a minimised objective are negative: larger is better.
		{[]float64{-0.2, -0.5, -0.3}, -0.2, true},
		{[]float64{-0.2, -0.5, -0.3}, -0.25, false},
		// Ties count: equal to the k-th best goes on.
		{[]float64{0.5, 0.5, 0.5}, 0.5, true},
	} {
		in := slices.Clone(c.earlier)
		if got := h.Continue(0, c.v, c.earlier); got != c.want {
			t.Errorf("Continue(0, %v, %v) = %v, want %v", c.v, c.earlier, got, c.want)
		}
		if !slices.Equal(in, c.earlier) {
			t.Errorf("Continue reordered its earlier values: %v, was %v", c.earlier, in)
		}
	}
}

// TestHalvingNaNStops: a NaN value stops a trial when there are earlier
// values to judge it by.
func TestHalvingNaNStops(t *testing.T) {
	h := NewHalving(100, 10, 3, 3)
	if h.Continue(0, math.NaN(), []float64{0.1, 0.2, 0.3}) {
		t.Error("NaN goes on against 3 earlier values")
	}
	if h.Continue(1, math.NaN(), []float64{-1, -2, -3, -4, -5}) {
		t.Error("NaN goes on against 5 earlier values")
	}
}
