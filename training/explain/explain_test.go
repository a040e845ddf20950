package explain

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestTop(t *testing.T) {
	nan := math.NaN()
	c := []float64{0.5, 2, -1, 2, 0, nan, 0.5, 3, math.Inf(-1)}
	for _, tc := range []struct {
		k    int
		want []Contribution
	}{
		{-1, nil},
		{0, nil},
		{1, []Contribution{{7, 3}}},
		{3, []Contribution{{7, 3}, {1, 2}, {3, 2}}},
		{4, []Contribution{{7, 3}, {1, 2}, {3, 2}, {0, 0.5}}},
		{10, []Contribution{{7, 3}, {1, 2}, {3, 2}, {0, 0.5}, {6, 0.5}}},
	} {
		if got := Top(c, tc.k); !slices.Equal(got, tc.want) {
			t.Errorf("k=%d: %v, want %v", tc.k, got, tc.want)
		}
	}
	if got := Top([]float64{-1, 0, nan}, 3); got != nil {
		t.Errorf("no positive value: %v, want nil", got)
	}
	// Against a stable sort, on values with many ties.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		c := make([]float64, 1+rng.IntN(30))
		for i := range c {
			c[i] = float64(rng.IntN(7) - 3)
		}
		var all []Contribution
		for f, v := range c {
			if v > 0 {
				all = append(all, Contribution{f, v})
			}
		}
		slices.SortStableFunc(all, func(a, b Contribution) int {
			switch {
			case a.Value > b.Value:
				return -1
			case a.Value < b.Value:
				return 1
			}
			return 0
		})
		k := rng.IntN(8)
		want := all[:min(k, len(all))]
		if got := Top(c, k); !slices.Equal(got, want) {
			t.Fatalf("%v k=%d: %v, want %v", c, k, got, want)
		}
	}
}
