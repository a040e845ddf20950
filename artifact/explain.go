package artifact

import "fmt"

// Push is one feature's share of a score: its value for the input and how
// much it moved the model's margin (log-odds) up.
type Push struct {
	Feature string  `json:"feature"`
	Value   float64 `json:"value"`
	Margin  float64 `json:"margin"`
}

// Explain returns the k features that pushed an input's score up the most,
// by per-tree path contributions (XGBoost's approx_contribs), largest first.
func (s *Scorer) Explain(input string, k int) ([]Push, error) {
	if s.seq != nil {
		return nil, fmt.Errorf("explain %q: an lstm model has no per-feature contributions", input)
	}
	if s.set == nil {
		return nil, fmt.Errorf("explain %q: a %s model explains vectors, not names", input, s.kind)
	}
	vals := make([]float64, s.width)
	s.set.Extract(input, vals)
	top, err := s.explain(vals, k)
	if err != nil {
		return nil, fmt.Errorf("explain %q: %w", input, err)
	}
	return top, nil
}

// ExplainVector is Explain for a vector whose values columns names.
func (s *Scorer) ExplainVector(columns []string, vector []float64, k int) ([]Push, error) {
	idx, err := ColumnMap(s.names, columns)
	if err != nil {
		return nil, err
	}
	vals := make([]float64, s.width)
	for j, c := range idx {
		vals[j] = vector[c]
	}
	return s.explain(vals, k)
}

// explain lists the k features of a feature vector that pushed its score up most.
func (s *Scorer) explain(vals []float64, k int) ([]Push, error) {
	row := make([]float32, s.width)
	for i, v := range vals {
		row[i] = float32(v)
	}
	top, err := s.model.TopContributions(row, k, make([]float64, s.width+1))
	if err != nil {
		return nil, err
	}
	out := make([]Push, len(top))
	for i, c := range top {
		out[i] = Push{Feature: s.names[c.Feature], Value: vals[c.Feature], Margin: c.Value}
	}
	return out, nil
}
