package serving

import (
	"sync/atomic"

	"github.com/mlctl/mlctl/features/prefilter"
)

// stringBatch is a batch of names or TXT records of one HTTP request, as
// both APIs (/v1/score and the Open Inference Protocol's infer) score it:
// each input normalised, names prefiltered, the rest scored at once. The
// APIs differ only in how they answer it.
type stringBatch struct {
	in    []string           // as sent
	norm  []string           // the inputs scored, normalised, in request order
	bad   []badInput         // inputs normalise refused, in input order
	left  []prefilter.Reason // by input, once one is prefiltered (nil: none)
	size  int                // bytes of the inputs, to size an answer
	score []float64          // by norm, once scored
}

// prepareStrings normalises in and, for names, leaves out the names the
// prefilter keeps from the model; nothing is counted or scored yet.
func (a *API) prepareStrings(in []string, normalise func(string) (string, error), names bool) *stringBatch {
	b := &stringBatch{in: in, norm: make([]string, 0, len(in))}
	for i, n := range in {
		b.size += len(n)
		v, err := normalise(n)
		if err != nil {
			b.bad = append(b.bad, badInput{i, err.Error()})
			continue
		}
		if names {
			if r, ok := a.Prefilter.Check(v); ok {
				if b.left == nil {
					b.left = make([]prefilter.Reason, len(in))
				}
				b.left[i] = r
				continue
			}
		}
		b.norm = append(b.norm, v)
	}
	return b
}

// scoreWith scores the batch with m and counts it: the inputs scored in
// scored, the prefiltered names by reason.
func (a *API) scoreWith(b *stringBatch, m *Model, scored *atomic.Uint64) {
	for _, r := range b.left {
		if r != prefilter.None {
			a.Metrics.Prefiltered.Add(r)
		}
	}
	b.score = make([]float64, len(b.norm))
	m.Scorer.Score(b.norm, b.score)
	scored.Add(uint64(len(b.norm)))
}

// prefiltered is the reason input i was left out, prefilter.None when it
// was not.
func (b *stringBatch) prefiltered(i int) prefilter.Reason {
	if b.left == nil {
		return prefilter.None
	}
	return b.left[i]
}
