package tuning

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"testing"
)

// testSpace is a space with every kind of parameter.
func testSpace(t *testing.T) Space {
	t.Helper()
	s, err := ParseSpace([]string{
		"x=0.0..1", "y=0.001..1:log", "depth=3..10", "leaves=8..1024:log",
		"booster=gbtree,dart,gblinear", "objective=binary",
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// history returns n observations of s drawn by the sampler itself, valued
// by objective.
func history(s Sampler, n int, objective func(map[string]string) float64) []Observation {
	var h []Observation
	for i := range n {
		p := s.Sample(i, h)
		h = append(h, Observation{Params: p, Value: objective(p)})
	}
	return h
}

// sumOfParams is an objective that depends on every numeric parameter.
func sumOfParams(p map[string]string) float64 {
	var v float64
	for _, k := range slices.Sorted(maps.Keys(p)) {
		f, _ := strconv.ParseFloat(p[k], 64)
		v += f
	}
	return v
}

func TestSampleIsDeterministic(t *testing.T) {
	s := Sampler{Space: testSpace(t), Seed: 42}
	h := history(s, 30, sumOfParams)
	for _, n := range []int{3, 30} { // random, then TPE
		a, b := s.Sample(n, h), s.Sample(n, cloneHistory(h))
		if !maps.Equal(a, b) {
			t.Errorf("trial %d: %v, then %v from the same inputs", n, a, b)
		}
		other := s
		other.Seed = 43
		if c := other.Sample(n, h); maps.Equal(a, c) {
			t.Errorf("trial %d: seeds 42 and 43 gave the same %v", n, a)
		}
		if c := s.Sample(n+1, h); maps.Equal(a, c) {
			t.Errorf("trials %d and %d gave the same %v", n, n+1, a)
		}
	}
	// Beyond 25 bad observations older ones weigh less: the order of the
	// history is part of the input.
	rev := slices.Clone(h)
	slices.Reverse(rev)
	if maps.Equal(s.Sample(30, h), s.Sample(30, rev)) {
		t.Log("the reversed history gave the same trial (allowed, but unlikely)")
	}
}

// cloneHistory copies h into new maps, so map iteration orders differ.
func cloneHistory(h []Observation) []Observation {
	out := make([]Observation, len(h))
	for i, o := range h {
		o.Params = maps.Clone(o.Params)
		out[i] = o
	}
	return out
}

func TestSampleValues(t *testing.T) {
	space := testSpace(t)
	random := Sampler{Space: space, Seed: 1}
	tpe := Sampler{Space: space, Seed: 1, Startup: 1}
	h := history(random, 20, sumOfParams)
	depths := map[string]int{}
	boosters := map[string]int{}
	var ys []float64
	const n = 2000
	for i := range n {
		for _, p := range []map[string]string{random.Sample(i, nil), tpe.Sample(i, h)} {
			checkTrial(t, space, p)
		}
		p := random.Sample(i, nil)
		depths[p["depth"]]++
		boosters[p["booster"]]++
		y, _ := strconv.ParseFloat(p["y"], 64)
		ys = append(ys, y)
	}
	// Every integer of 3..10 as often (8 of them: 250 each).
	for d := 3; d <= 10; d++ {
		if c := depths[strconv.Itoa(d)]; c < 190 || c > 310 {
			t.Errorf("depth %d drawn %d times of %d, want about %d", d, c, n, n/8)
		}
	}
	for _, b := range space.Params[0].Choices {
		if c := boosters[b]; c < 590 || c > 745 {
			t.Errorf("booster %s drawn %d times of %d, want about %d", b, c, n, n/3)
		}
	}
	// Uniform in log space: the median of 0.001..1:log is 10^-1.5.
	slices.Sort(ys)
	if med := ys[n/2]; math.Abs(math.Log10(med)+1.5) > 0.1 {
		t.Errorf("median y %.4g, want near %.4g", med, math.Pow(10, -1.5))
	}
}

// checkTrial fails t unless p gives every parameter of space a value it
// can take.
func checkTrial(t *testing.T, space Space, p map[string]string) {
	t.Helper()
	if len(p) != len(space.Params) {
		t.Fatalf("%v: want the %d parameters of the space", p, len(space.Params))
	}
	for _, q := range space.Params {
		v, ok := p[q.Name]
		switch {
		case !ok:
			t.Fatalf("%v: no %s", p, q.Name)
		case !q.Numeric():
			if !slices.Contains(q.Choices, v) {
				t.Fatalf("%s=%s: not one of %v", q.Name, v, q.Choices)
			}
		case q.Int:
			i, err := strconv.ParseInt(v, 10, 64)
			if err != nil || float64(i) < q.Lo || float64(i) > q.Hi {
				t.Fatalf("%s=%s: want an integer in %s", q.Name, v, q)
			}
		default:
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < q.Lo || f > q.Hi {
				t.Fatalf("%s=%s: want a number in %s", q.Name, v, q)
			}
		}
	}
}

func TestSampleFormatsWithinLongBounds(t *testing.T) {
	// Bounds with more than Format's 6 digits: a value near one must not
	// be rounded past it.
	p := Param{Name: "x", Lo: 0.1234564, Hi: 0.1234567}
	for i := range 200 {
		v := Sampler{Space: Space{Params: []Param{p}}, Seed: 3}.Sample(i, nil)["x"]
		if f, err := strconv.ParseFloat(v, 64); err != nil || f < p.Lo || f > p.Hi {
			t.Fatalf("x=%s: outside %v..%v", v, p.Lo, p.Hi)
		}
	}
}

func TestSampleSkipsUnusableObservations(t *testing.T) {
	space := Space{Params: []Param{{Name: "x", Lo: 0, Hi: 1}, {Name: "c", Choices: []string{"a", "b"}}}}
	s := Sampler{Space: space, Seed: 5, Startup: 1}
	h := []Observation{
		{Params: map[string]string{"x": "0.2", "c": "a"}, Value: 1},
		{Params: map[string]string{"x": "0.8", "c": "b"}, Value: 0},
		{Params: map[string]string{"x": "oops", "c": "z"}, Value: 9},
		{Params: map[string]string{"x": "7", "c": "a"}, Value: 9}, // out of range
		{Params: map[string]string{"x": "NaN"}, Value: 9},
		{Params: map[string]string{"x": "0.5", "c": "b"}, Value: math.NaN()},
		{Params: nil, Value: 9},
	}
	usable := h[:2]
	for i := range 50 {
		p := s.Sample(i, h)
		checkTrial(t, space, p)
		if q := s.Sample(i, usable); !maps.Equal(p, q) {
			t.Fatalf("trial %d: %v with unusable observations, %v without", i, p, q)
		}
	}
}

// synthetic is the objective of the TPE tests, larger is better: best at
// x = 0.3, y = 10^-1.3 and booster=dart (value 0).
func synthetic(p map[string]string) float64 {
	x, _ := strconv.ParseFloat(p["x"], 64)
	y, _ := strconv.ParseFloat(p["y"], 64)
	v := -(x-0.3)*(x-0.3) - (math.Log10(y)+1.3)*(math.Log10(y)+1.3)
	if p["booster"] != "dart" {
		v -= 0.5
	}
	return v
}

// syntheticSpace is the space of synthetic.
func syntheticSpace(t testing.TB) Space {
	s, err := ParseSpace([]string{"x=0.0..1", "y=0.001..1:log", "booster=gbtree,dart,gblinear,linear"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// bestOf returns the best value synthetic takes over trials trials of s.
func bestOf(s Sampler, trials int) float64 {
	best := math.Inf(-1)
	for _, o := range history(s, trials, synthetic) {
		best = max(best, o.Value)
	}
	return best
}

func TestTPEBeatsRandomSearch(t *testing.T) {
	const seeds, trials = 20, 40
	space := syntheticSpace(t)
	wins := 0
	var tpeBest, randomBest []float64
	for seed := range uint64(seeds) {
		tb := bestOf(Sampler{Space: space, Seed: seed}, trials)
		rb := bestOf(Sampler{Space: space, Seed: seed + 1000, Startup: trials}, trials)
		if tb > rb {
			wins++
		}
		tpeBest, randomBest = append(tpeBest, tb), append(randomBest, rb)
	}
	t.Logf("TPE beat random search in %d of %d seeds; median best %.4f (TPE), %.4f (random)",
		wins, seeds, median(tpeBest), median(randomBest))
	if wins < 15 {
		t.Errorf("TPE beat random search in %d of %d seeds, want 15 or more", wins, seeds)
	}
}

func TestTPERanksPrunedBelowComplete(t *testing.T) {
	// Complete trials spread over 0..1, best at 0.2; pruned trials at 0.7
	// with far larger values (on fewer units). TPE must centre on 0.2.
	space := Space{Params: []Param{{Name: "x", Lo: 0, Hi: 1}}}
	var h []Observation
	for i := range 30 {
		x := (float64(i) + 0.5) / 30
		h = append(h, Observation{Params: map[string]string{"x": strconv.FormatFloat(x, 'g', 6, 64)}, Value: -(x - 0.2) * (x - 0.2)})
	}
	for _, x := range []string{"0.66", "0.68", "0.7", "0.72"} {
		h = append(h, Observation{Params: map[string]string{"x": x}, Value: 100, Pruned: true})
	}
	s := Sampler{Space: space, Seed: 9}
	pruned := medianX(s, h)
	// The same history with nothing pruned centres on 0.7: the flag is
	// what keeps TPE away.
	for i := range h {
		h[i].Pruned = false
	}
	complete := medianX(s, h)
	t.Logf("median x of TPE's trials: %.3f with the 0.7s pruned, %.3f with them complete", pruned, complete)
	if math.Abs(pruned-0.2) > 0.05 {
		t.Errorf("median x %.3f with the 0.7s pruned, want near 0.2 (the best complete trial)", pruned)
	}
	if math.Abs(complete-0.7) > 0.05 {
		t.Errorf("median x %.3f with nothing pruned, want near 0.7", complete)
	}
}

// medianX returns the median x of 200 trials TPE draws after history h.
func medianX(s Sampler, h []Observation) float64 {
	var xs []float64
	for n := len(h); n < len(h)+200; n++ {
		x, _ := strconv.ParseFloat(s.Sample(n, h)["x"], 64)
		xs = append(xs, x)
	}
	return median(xs)
}

// median returns the median of v (the upper one of an even count).
func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	return v[len(v)/2]
}
