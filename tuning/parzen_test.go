package tuning

import (
	"math"
	"testing"
)

// Reference values from Optuna 3.1's _ParzenEstimator with TPESampler's
// defaults and the fix of its truncated-normal density that Optuna 3.5
// made (testdata/parzen_reference.py, run with Debian's python3-optuna).
func TestParzenMatchesOptuna(t *testing.T) {
	tests := []struct {
		name   string
		p      Param
		obs    []float64 // values (indices of choices)
		sigmas []float64 // the components', the prior's last; nil: not checked
		at     []float64
		want   []float64
	}{
		{"float", Param{Lo: 0, Hi: 1}, []float64{0.1, 0.15, 0.7, 0.72, 0.3},
			[]float64{0.14285714285714285, 0.15, 0.19999999999999996, 0.14285714285714285, 0.2, 1.0},
			[]float64{0.0, 0.12, 0.5, 0.71, 1.0},
			[]float64{0.06750672540057501, 0.42463842031347665, -0.22495813705021006, 0.045059134004360235, -1.0798959685443676}},
		{"log", Param{Lo: 0.001, Hi: 1, Log: true}, []float64{0.01, 0.02, 0.5},
			[]float64{1.3815510557964275, 1.3815510557964275, 2.760730458931123, 6.907755278982137},
			[]float64{0.001, 0.015, 0.1, 1.0},
			[]float64{-2.747736782002934, -1.5630172653574887, -1.9289244665676908, -2.3586995701716242}},
		{"int", Param{Lo: 1, Hi: 10, Int: true}, []float64{2, 3, 3, 9},
			[]float64{1.6666666666666667, 1.6666666666666667, 2.5, 3.5, 10.0},
			[]float64{1, 3, 5, 10},
			[]float64{-2.098876341970242, -1.8016204100773427, -2.2682509868325456, -2.9419332236936477}},
		{"int log", Param{Lo: 1, Hi: 1000, Int: true, Log: true}, []float64{4, 30, 500},
			[]float64{1.7212596256120307, 2.813410716760036, 2.813410716760036, 7.601402334583733},
			[]float64{1, 5, 100, 1000},
			[]float64{-2.2553066802628363, -1.9007562515337, -1.9996687311945167, -2.218827132737486}},
		{"choices", Param{Choices: []string{"a", "b", "c", "d"}}, []float64{1, 1, 3}, nil,
			[]float64{0, 1, 2, 3},
			[]float64{-1.8562979903656263, -0.9007865453381898, -1.8562979903656263, -1.2685113254635072}},
		{"one observation", Param{Lo: 0, Hi: 1}, []float64{0.4},
			[]float64{0.3333333333333333, 1.0},
			[]float64{0.4, 0.9},
			[]float64{0.20143884003932933, -0.3429208932664042}},
		{"30 observations (older ones ramped down)", Param{Lo: 0, Hi: 1}, linspaceAll(0.01, 0.99, 30), nil,
			[]float64{0.05, 0.5, 0.95},
			[]float64{-0.9398274850246127, 0.06927578831306813, 0.18418814021001706}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e parzen
			if tt.p.Numeric() {
				d := newDomain(tt.p)
				xs := make([]float64, len(tt.obs))
				for i, v := range tt.obs {
					xs[i] = d.internal(v)
				}
				ne := newNumericParzen(xs, d)
				for i, want := range tt.sigmas {
					if !near(ne.sigmas[i], want, 1e-12) {
						t.Errorf("sigma %d = %v, Optuna's %v", i, ne.sigmas[i], want)
					}
				}
				e = ne
			} else {
				e = newCategoricalParzen(tt.obs, len(tt.p.Choices))
			}
			for i, x := range tt.at {
				if got := e.logPDF(x); !near(got, tt.want[i], 1e-9) {
					t.Errorf("log pdf at %v = %v, Optuna's %v", x, got, tt.want[i])
				}
			}
		})
	}
}

func TestMixtureWeights(t *testing.T) {
	// Optuna's default_weights(30) then the prior, normalised: the 5
	// oldest ramp from 1/30 to 1.
	w := mixtureWeights(30)
	want := []float64{0.0011661807580174927, 0.009620991253644314, 0.018075801749271137, 0.026530612244897955, 0.034985422740524776}
	for i, v := range want {
		if !near(w[i], v, 1e-15) {
			t.Errorf("weight %d = %v, Optuna's %v", i, w[i], v)
		}
	}
	if len(w) != 31 || !near(w[30], 0.034985422740524776, 1e-15) {
		t.Errorf("prior weight of %d: %v", len(w), w[len(w)-1])
	}
	if w := mixtureWeights(0); len(w) != 1 || w[0] != 1 {
		t.Errorf("no observations: %v, want the prior alone", w)
	}
}

func TestGamma(t *testing.T) {
	for n, want := range map[int]int{1: 1, 2: 1, 10: 1, 11: 2, 40: 4, 249: 25, 250: 25, 1000: 25} {
		if got := gamma(n); got != want {
			t.Errorf("gamma(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestSplitRanksPrunedBelowComplete(t *testing.T) {
	pts := []point{
		{x: 0, value: 5, pruned: true}, // the best value, but pruned
		{x: 1, value: 1},
		{x: 2, value: 3},
		{x: 3, value: 2, pruned: true},
	}
	for i := range 7 { // 11 in all: 2 good
		pts = append(pts, point{x: float64(10 + i), value: -1})
	}
	good, bad := split(pts)
	if len(good) != 2 || good[0] != 1 || good[1] != 2 {
		t.Errorf("good %v, want the two complete trials 1 and 2 in trial order", good)
	}
	if len(bad) != 9 || bad[0] != 0 || bad[1] != 3 {
		t.Errorf("bad %v, want the pruned trials first (trial order)", bad)
	}
}

func TestTruncNormalStaysInRange(t *testing.T) {
	for _, u := range []float64{0, 1e-300, 0.5, 1 - 0x1p-53} {
		for _, mu := range []float64{0, 0.5, 1} {
			if x := truncNormal(mu, 0.01, 0, 1, u); !(x >= 0 && x <= 1) {
				t.Errorf("truncNormal(mu %v, u %v) = %v", mu, u, x)
			}
		}
	}
	if m := normalMass(30, 31); m <= 0 {
		t.Errorf("mass of a far tail %v, want above 0", m)
	}
}

// near says whether got is within tol of want, relative above 1.
func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// linspaceAll returns num evenly spaced numbers from start to stop.
func linspaceAll(start, stop float64, num int) []float64 {
	v := make([]float64, num)
	for i := range v {
		v[i] = linspace(start, stop, num, i)
	}
	return v
}
