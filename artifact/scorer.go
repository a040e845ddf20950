package artifact

import (
	"fmt"
	"sync"

	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/matrix"
)

// Scorer turns raw inputs into scores with an artifact's feature set and
// model: the one code path that training evaluation, `mlctl score` and the
// serving workers share.
//
// A model of a flow or tabular dataset takes vectors, not names: its
// Kind says which, and it scores with ScoreVectors.
type Scorer struct {
	set   features.Set // nil for a model that takes vectors or sequences
	seq   *sequenceModel
	names []string
	kind  string
	model training.Classifier
	width int
}

// NewScorer prepares a decoded artifact for scoring.
func NewScorer(a *Artifact) (*Scorer, error) {
	l, err := a.Learner()
	if err != nil {
		return nil, err
	}
	if l.Needs().Input == training.Sequences {
		seq, kind, err := newSequenceModel(a)
		if err != nil {
			return nil, err
		}
		return &Scorer{seq: seq, kind: kind}, nil
	}
	if kind := vectorKind(a.FeatureSet); kind != "" {
		if err := checkVectorSet(a.FeatureSet); err != nil {
			return nil, err
		}
		model, err := a.classifier()
		if err != nil {
			return nil, err
		}
		return &Scorer{names: a.FeatureSet.Names, kind: kind, model: model, width: len(a.FeatureSet.Names)}, nil
	}
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
	kind := "dga"
	if set.Name() == features.TXTShapeName {
		kind = "txt"
	}
	return &Scorer{set: set, names: set.Names(), kind: kind, model: model, width: len(set.Names())}, nil
}

// FeatureSet returns the scorer's feature set; nil for a model that takes vectors.
func (s *Scorer) FeatureSet() features.Set { return s.set }

// Kind is the kind of dataset the model scores: dga (names), txt (TXT
// records), flow or tabular (vectors).
func (s *Scorer) Kind() string { return s.kind }

// TakesVectors reports whether the model scores vectors (ScoreVectors)
// rather than strings (Score: names or TXT records).
func (s *Scorer) TakesVectors() bool { return s.set == nil && s.seq == nil }

// Names lists the model's features in the order it reads them; none for
// an LSTM, which reads token sequences.
func (s *Scorer) Names() []string { return s.names }

// chunkRows bounds the feature matrix Score builds at once.
const chunkRows = 16384

// Score writes the probability of the positive class for each input into
// out (len(out) == len(inputs)): features and trees both on every core.
// A model that takes vectors cannot score names: callers check TakesVectors.
func (s *Scorer) Score(inputs []string, out []float64) {
	if len(out) != len(inputs) {
		panic(fmt.Sprintf("artifact: Score: %d outputs for %d inputs", len(out), len(inputs)))
	}
	if s.seq != nil {
		s.seq.score(inputs, out)
		return
	}
	if s.set == nil {
		panic(fmt.Sprintf("artifact: Score: a %s model scores vectors, not names", s.kind))
	}
	if len(inputs) <= smallBatch {
		s.scoreFew(inputs, out)
		return
	}
	if p, ok := s.model.(blockPredictor); ok && len(inputs) >= parallelMinRows {
		s.scoreFused(p, inputs, out)
		return
	}
	m := &matrix.Matrix{Cols: s.width, Values: make([]float32, min(len(inputs), chunkRows)*s.width)}
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
// An LSTM has no feature vector: dst (empty, as Names is) is left alone.
func (s *Scorer) Features(input string, dst []float64) {
	if s.set != nil {
		s.set.Extract(input, dst)
	}
}

// ScoreVectors writes the score of each vector into out. columns names
// the vectors' values; the model's features are picked from them by name,
// and a missing one is an error.
func (s *Scorer) ScoreVectors(columns []string, vectors [][]float64, out []float64) error {
	if len(out) != len(vectors) {
		panic(fmt.Sprintf("artifact: ScoreVectors: %d outputs for %d vectors", len(out), len(vectors)))
	}
	idx, err := ColumnMap(s.names, columns)
	if err != nil {
		return err
	}
	for i, v := range vectors {
		if len(v) != len(columns) {
			return fmt.Errorf("vector %d has %d values for %d columns", i, len(v), len(columns))
		}
	}
	for lo := 0; lo < len(vectors); lo += chunkRows {
		hi := min(lo+chunkRows, len(vectors))
		if err := s.model.Predict(VectorMatrix(idx, vectors[lo:hi]), out[lo:hi]); err != nil {
			return err
		}
	}
	return nil
}
