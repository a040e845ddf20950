package dga

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/training/eval"
)

// Detector is a trained recipe with its threshold and the scores of the
// names it was asked about.
type Detector struct {
	Recipe    string  `json:"recipe"`
	Rule      string  `json:"threshold_rule"`
	Threshold float64 `json:"threshold"`
	score     map[string]float64
}

// Score is the score of a name the detector was built for.
func (d *Detector) Score(name string) (float64, bool) {
	s, ok := d.score[name]
	return s, ok
}

// Alerts reports whether the name scores at or over the threshold.
func (d *Detector) Alerts(name string) bool {
	s, ok := d.score[name]
	return ok && s >= d.Threshold
}

// DefaultDetector scores names with the default recipe's artifact.
func DefaultDetector(art *artifact.Artifact, threshold float64, names []string) (*Detector, error) {
	sc, err := artifact.NewScorer(art)
	if err != nil {
		return nil, err
	}
	scores := make([]float64, len(names))
	sc.Score(names, scores)
	return &Detector{Recipe: "mlctl default (augmented)", Rule: fmt.Sprintf("FPR <= %g on validation", DefaultFPR),
		Threshold: threshold, score: zipScores(names, scores)}, nil
}

// RecipeDetectors trains rc on train and scores valid and names. It
// returns one detector for each threshold rule: "best-f1" (the best F1
// on the validation rows the default prefilter keeps, the rule before
// issue 13 and heiDGAF's choice on validation) and, if fixed is not nil,
// the fixed threshold *fixed.
func RecipeDetectors(ctx context.Context, rc Recipe, label string, train, valid []datasets.Row, names []string, fixed *float64, seed uint64) ([]*Detector, error) {
	vn, vl := Prefiltered(valid)
	all := append(append([]string(nil), vn...), names...)
	scores, err := rc.Train(ctx, train, all, seed)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rc.Name, err)
	}
	by := zipScores(names, scores[len(vn):])
	out := []*Detector{{Recipe: label, Rule: "best F1 on validation", Threshold: eval.BestF1Threshold(scores[:len(vn)], vl), score: by}}
	if fixed != nil {
		out = append(out, &Detector{Recipe: label, Rule: fmt.Sprintf("fixed %g", *fixed), Threshold: *fixed, score: by})
	}
	return out, nil
}

func zipScores(names []string, scores []float64) map[string]float64 {
	m := make(map[string]float64, len(names))
	for i, n := range names {
		m[n] = scores[i]
	}
	return m
}
