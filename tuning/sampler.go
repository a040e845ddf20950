package tuning

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/mlctl/mlctl/training/rng"
)

// Observation is a finished trial as the sampler learns from it.
type Observation struct {
	// Params are the trial's parameters (every parameter of the space, formatted by Param.Format / a choice).
	Params map[string]string
	// Value is the trial's objective, larger is better (the caller negates an objective it minimises).
	Value float64
	// Pruned says successive halving stopped the trial early: Value is its score at the last rung it
	// reached, on fewer units than complete trials, so TPE must treat every pruned trial as worse than
	// every complete trial (rank pruned trials below complete ones, as Optuna ranks pruned trials by
	// their last intermediate value and below complete ones).
	Pruned bool
}

// Sampler proposes the parameters of trials.
type Sampler struct {
	Space Space
	Seed  uint64
	// Startup is how many trials are sampled at random before TPE takes over (0: 10, Optuna's n_startup_trials).
	Startup int
	// Candidates is how many candidates TPE draws from the good trials' estimator and ranks by l(x)/g(x) (0: 24, Optuna's n_ei_candidates).
	Candidates int
}

// Optuna 3.1's TPESampler defaults.
const (
	defaultStartup    = 10
	defaultCandidates = 24
	// minObservations is how many usable observations of a parameter TPE
	// needs (one good, one bad); with fewer the parameter is drawn at random.
	minObservations = 2
)

// Sample returns the parameters of trial n (0-based) given the observations of earlier finished trials
// (history, in the order the caller keeps: trial order). It is a pure function of (s, n, history): the
// random stream is derived from Seed and n only (e.g. a math/rand/v2 PCG seeded with Seed and a
// SplitMix64 of n — see training/rng for helpers), never from time or global state, and it must not
// depend on Go map iteration order (walk s.Space.Params in order). Every parameter of the space is in
// the result: a fixed parameter (one choice) always gets its value; ints are written as integers; a
// :log range is sampled uniformly in log space; values lie within [Lo, Hi].
//
// Trials before s.Startup are drawn at random; after, each parameter is
// drawn by TPE on its own (univariate) from the observations that have a
// usable value of it, or at random while it has fewer than 2. The space
// is one ParseSpace, ReadSpace or NewSpace built from parsed parameters:
// a parameter with an empty list of choices gets no value.
func (s Sampler) Sample(n int, history []Observation) map[string]string {
	r := newStream(s.Seed, n)
	tpe := n >= orDefault(s.Startup, defaultStartup)
	out := make(map[string]string, len(s.Space.Params))
	for _, p := range s.Space.Params {
		switch {
		case p.Fixed():
			out[p.Name] = p.Choices[0]
		case !p.Numeric() && len(p.Choices) == 0:
			// Nothing to choose from (a hand-made Param): no value.
		case !p.Numeric():
			out[p.Name] = p.Choices[s.sampleChoice(p, r, history, tpe)]
		default:
			out[p.Name] = formatIn(p, s.sampleNumber(p, r, history, tpe))
		}
	}
	return out
}

// sampleChoice returns the index of p's choice for the trial: at random,
// or by TPE when tpe and enough observations have a choice of p.
func (s Sampler) sampleChoice(p Param, r *stream, history []Observation, tpe bool) int {
	pts := choicePoints(p, history)
	if !tpe || len(pts) < minObservations {
		return r.index(len(p.Choices))
	}
	good, bad := split(pts)
	l, g := newCategoricalParzen(good, len(p.Choices)), newCategoricalParzen(bad, len(p.Choices))
	return int(bestCandidate(l, g, r, orDefault(s.Candidates, defaultCandidates)))
}

// sampleNumber returns the value of the numeric p for the trial: at
// random, or by TPE when tpe and enough observations have a value of p.
func (s Sampler) sampleNumber(p Param, r *stream, history []Observation, tpe bool) float64 {
	d := newDomain(p)
	pts := numberPoints(p, d, history)
	if !tpe || len(pts) < minObservations {
		return d.external(d.lo + r.float()*(d.hi-d.lo))
	}
	good, bad := split(pts)
	l, g := newNumericParzen(good, d), newNumericParzen(bad, d)
	return bestCandidate(l, g, r, orDefault(s.Candidates, defaultCandidates))
}

// choicePoints returns the observations that have one of p's choices, as
// points holding the choice's index.
func choicePoints(p Param, history []Observation) []point {
	var pts []point
	for _, o := range history {
		v, ok := o.Params[p.Name]
		if !ok || math.IsNaN(o.Value) {
			continue
		}
		for i, c := range p.Choices {
			if c == v {
				pts = append(pts, point{x: float64(i), value: o.Value, pruned: o.Pruned})
				break
			}
		}
	}
	return pts
}

// numberPoints returns the observations that have a finite value of p in
// [Lo, Hi], as points holding the value in d's internal scale.
func numberPoints(p Param, d domain, history []Observation) []point {
	var pts []point
	for _, o := range history {
		s, ok := o.Params[p.Name]
		if !ok || math.IsNaN(o.Value) {
			continue
		}
		v, err := p.Value(s)
		if err != nil || math.IsNaN(v) || v < p.Lo || v > p.Hi {
			continue
		}
		pts = append(pts, point{x: d.internal(v), value: o.Value, pruned: o.Pruned})
	}
	return pts
}

// formatIn writes v, a value of the numeric p within its bounds, as
// p.Format does; unless rounding to 6 digits would take it outside bounds
// written with more digits, then it writes v in full.
func formatIn(p Param, v float64) string {
	s := p.Format(v)
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= p.Lo && f <= p.Hi {
		return s
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// orDefault returns n, or def when n is 0 or less.
func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// stream is the random stream of one trial: a PCG derived from the seed
// and the trial's number, read through helpers defined here so the draws
// never depend on the Go version's math/rand.
type stream struct{ src *rand.PCG }

// newStream returns the stream of trial n of a search seeded with seed.
func newStream(seed uint64, n int) *stream {
	return &stream{src: rand.NewPCG(rng.Splitmix64(seed), rng.Splitmix64(seed^rng.Splitmix64(uint64(n)+1)))}
}

// float returns a number in [0, 1) with 53 random bits.
func (r *stream) float() float64 {
	return float64(r.src.Uint64()>>11) * 0x1p-53
}

// index returns a number in [0, n).
func (r *stream) index(n int) int {
	return rng.Uniform(r.src, n)
}
