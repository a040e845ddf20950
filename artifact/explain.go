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
	vals := make([]float64, s.width)
	s.set.Extract(input, vals)
	row := make([]float32, s.width)
	for i, v := range vals {
		row[i] = float32(v)
	}
	top, err := s.model.TopContributions(row, k, make([]float64, s.width+1))
	if err != nil {
		return nil, fmt.Errorf("explain %q: %w", input, err)
	}
	names := s.set.Names()
	out := make([]Push, len(top))
	for i, c := range top {
		out[i] = Push{Feature: names[c.Feature], Value: vals[c.Feature], Margin: c.Value}
	}
	return out, nil
}
