package serving

import (
	"fmt"
	"slices"
	"sync"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/drift"
)

// LiveSample is a uniform sample (drift.Reservoir) of the feature vectors a
// model in service scored on live traffic, in the model's feature order,
// which drift checks compare with its training data. A name or TXT model's
// features are computed only for the inputs the sample keeps, so sampling
// costs the stream next to nothing. It is safe for concurrent use (the
// pipeline, the conn.log source and HTTP requests offer to it).
type LiveSample struct {
	modelID int64
	columns []string

	mu  sync.Mutex
	res *drift.Reservoir
	// written is the Seen count last handed out for writing.
	written int64
}

// NewLiveSample returns an empty sample of at most capacity vectors for m,
// drawing from a generator seeded with seed. It is nil (no sample) when
// capacity is below 1 or m has no named features (an LSTM reads token
// sequences).
func NewLiveSample(m *Model, capacity int, seed uint64) *LiveSample {
	cols := m.Scorer.Names()
	if capacity < 1 || len(cols) == 0 {
		return nil
	}
	res, err := drift.NewReservoir(capacity, seed)
	if err != nil {
		panic(fmt.Sprintf("serving: live sample: %v", err)) // capacity >= 1 was checked
	}
	return &LiveSample{modelID: m.ID, columns: slices.Clone(cols), res: res}
}

// offerStrings offers the names or TXT records sc scored: each kept one's
// features are computed (sc.Features) into its slot. A nil sample takes
// nothing.
func (s *LiveSample) offerStrings(sc *artifact.Scorer, inputs []string) {
	if s == nil || len(inputs) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, in := range inputs {
		if slot, keep := s.res.Offer(); keep {
			row := make([]float64, len(s.columns))
			sc.Features(in, row)
			s.res.Put(slot, row)
		}
	}
}

// offerVectors offers the vectors a vector model scored (columns name
// their values): a kept one is stored in the model's feature order. A nil
// sample takes nothing.
func (s *LiveSample) offerVectors(columns []string, vectors [][]float64) error {
	if s == nil || len(vectors) == 0 {
		return nil
	}
	idx, err := artifact.ColumnMap(s.columns, columns)
	if err != nil {
		return fmt.Errorf("live sample of model %d: %w", s.modelID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range vectors {
		if slot, keep := s.res.Offer(); keep {
			row := make([]float64, len(idx))
			for j, c := range idx {
				row[j] = v[c]
			}
			s.res.Put(slot, row)
		}
	}
	return nil
}

// Len is how many vectors the sample keeps.
func (s *LiveSample) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.res.Len()
}

// Seen is how many vectors were offered.
func (s *LiveSample) Seen() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.res.Seen()
}

// pending returns the sample for writing (ScorerID unset) and true if
// vectors were offered since the last call that returned true; a write
// that then fails calls unwritten.
func (s *LiveSample) pending() (registry.LiveSample, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := s.res.Seen()
	if seen == s.written {
		return registry.LiveSample{}, false
	}
	s.written = seen
	return registry.LiveSample{ModelID: s.modelID, Columns: s.columns, Rows: s.res.Rows(), Seen: seen}, true
}

// unwritten marks the sample as not written, for the next flush.
func (s *LiveSample) unwritten() {
	s.mu.Lock()
	s.written = -1
	s.mu.Unlock()
}
