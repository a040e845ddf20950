package artifact

import (
	"fmt"
	"sync"

	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/training/gbdt"
)

// Scorer turns raw inputs into scores with an artifact's feature set and
// model: the one code path that training evaluation, `mlctl score` and the
// serving workers share.
type Scorer struct {
	set   features.Set
	model classifier
	width int
}

// NewScorer prepares a decoded artifact for scoring.
func NewScorer(a *Artifact) (*Scorer, error) {
	set, err := features.Lookup(a.FeatureSet.Name, a.FeatureSet.State)
	if err != nil {
		return nil, fmt.Errorf("feature set of artifact: %w", err)
	}
	if set.Version() != a.FeatureSet.Version {
		return nil, fmt.Errorf("artifact wants feature set %s v%d, this mlctl computes v%d", a.FeatureSet.Name, a.FeatureSet.Version, set.Version())
	}
	if len(set.Names()) != len(a.FeatureSet.Names) {
		return nil, fmt.Errorf("artifact lists %d features, feature set %s has %d", len(a.FeatureSet.Names), set.Name(), len(set.Names()))
	}
	for i, n := range set.Names() {
		if a.FeatureSet.Names[i] != n {
			return nil, fmt.Errorf("artifact feature %d is %q, feature set %s has %q", i, a.FeatureSet.Names[i], set.Name(), n)
		}
	}
	model, err := a.classifier()
	if err != nil {
		return nil, err
	}
	return &Scorer{set: set, model: model, width: len(set.Names())}, nil
}

// FeatureSet returns the scorer's feature set.
func (s *Scorer) FeatureSet() features.Set { return s.set }

// chunkRows bounds the feature matrix Score builds at once.
const chunkRows = 16384

// Score writes the probability of the positive class for each input into
// out (len(out) == len(inputs)): features and trees both on every core.
func (s *Scorer) Score(inputs []string, out []float64) {
	if len(out) != len(inputs) {
		panic(fmt.Sprintf("artifact: Score: %d outputs for %d inputs", len(out), len(inputs)))
	}
	if len(inputs) <= smallBatch {
		s.scoreFew(inputs, out)
		return
	}
	m := &gbdt.Matrix{Cols: s.width, Values: make([]float32, min(len(inputs), chunkRows)*s.width)}
	for lo := 0; lo < len(inputs); lo += chunkRows {
		hi := min(lo+chunkRows, len(inputs))
		m.Rows = hi - lo
		m.Values = m.Values[:m.Rows*s.width]
		fillFeatures(s.set, inputs[lo:hi], m)
		if err := s.model.Predict(m, out[lo:hi]); err != nil {
			panic(fmt.Sprintf("artifact: Score: %v", err)) // shapes are ours: a bug, not input
		}
	}
}

// smallBatch is the most inputs scored row by row with pooled buffers (a
// single-name request allocates nothing per call); larger batches build a
// matrix and predict in blocks on every core. Both give identical scores.
const smallBatch = 8

// rowBuffers are a feature row in float64 (as sets write it) and float32 (as
// trees read it).
type rowBuffers struct {
	f64 []float64
	f32 []float32
}

var rowPool = sync.Pool{New: func() any { return new(rowBuffers) }}

func (s *Scorer) scoreFew(inputs []string, out []float64) {
	b := rowPool.Get().(*rowBuffers)
	if cap(b.f64) < s.width {
		b.f64, b.f32 = make([]float64, s.width), make([]float32, s.width)
	}
	f64, f32 := b.f64[:s.width], b.f32[:s.width]
	for i, in := range inputs {
		s.set.Extract(in, f64)
		for j, v := range f64 {
			f32[j] = float32(v)
		}
		out[i] = s.model.PredictRow(f32)
	}
	rowPool.Put(b)
}

// Features writes the feature vector of one input into dst (len = number of features).
func (s *Scorer) Features(input string, dst []float64) { s.set.Extract(input, dst) }
