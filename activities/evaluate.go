package activities

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/eval"
)

// EvaluateInput names a candidate and the split to evaluate it on.
type EvaluateInput struct {
	CandidateID int64   `json:"candidate_id"`
	DatasetIDs  []int64 `json:"dataset_ids"`
	SplitID     int64   `json:"split_id"`
	// ThresholdFPR, when set, picks the threshold that keeps the false
	// positive rate on validation at or under it (the most recall there),
	// instead of the best F1: what live traffic, nearly all benign, needs.
	ThresholdFPR float64 `json:"threshold_fpr,omitempty"`
}

// EvaluateResult holds the threshold chosen on validation and the reports.
type EvaluateResult struct {
	Threshold float64 `json:"threshold"`
	// ThresholdRule says how Threshold was chosen (empty: best F1).
	ThresholdRule string      `json:"threshold_rule,omitempty"`
	Validation    eval.Report `json:"validation"`
	Test          eval.Report `json:"test"`
}

// Evaluate scores the validation part, chooses the threshold with the best
// F1 there, and reports validation and test metrics at that threshold.
func (a *Activities) Evaluate(ctx context.Context, in EvaluateInput) (EvaluateResult, error) {
	c, err := a.DB.CheckpointByID(ctx, in.CandidateID)
	if err != nil {
		return EvaluateResult{}, nonRetryable(err)
	}
	art, err := artifact.Decode(c.Artifact, c.SHA256)
	if err != nil {
		return EvaluateResult{}, nonRetryable(registry.Errorf(registry.ECORRUPT, "candidate %d: %v", in.CandidateID, err))
	}
	sc, err := artifact.NewScorer(art)
	if err != nil {
		return EvaluateResult{}, nonRetryable(&BadInputError{err.Error()})
	}
	rows, split, err := a.loadSplitRows(ctx, in.DatasetIDs, in.SplitID)
	if err != nil {
		return EvaluateResult{}, nonRetryable(err)
	}
	val := partRows(rows, split, registry.PartValidation)
	test := partRows(rows, split, registry.PartTest)
	if err := checkTwoClasses(val, "validation part"); err != nil {
		return EvaluateResult{}, nonRetryable(err)
	}
	vs, vl, vf := Score(sc, val)
	threshold, rule := eval.BestF1Threshold(vs, vl), ""
	if in.ThresholdFPR > 0 {
		_, threshold = eval.RecallAtFPR(vs, vl, in.ThresholdFPR)
		rule = fmt.Sprintf("false positive rate at most %g on the validation split", in.ThresholdFPR)
	}
	out := EvaluateResult{Threshold: threshold, ThresholdRule: rule, Validation: eval.Evaluate(vs, vl, vf, threshold)}
	if len(test) > 0 {
		ts, tl, tf := Score(sc, test)
		out.Test = eval.Evaluate(ts, tl, tf, threshold)
	}
	return out, nil
}

// Score scores rows and returns scores, labels and families side by side.
func Score(sc *artifact.Scorer, rows []datasets.Row) (scores []float64, labels []int, families []string) {
	in := names(rows)
	scores = make([]float64, len(rows))
	sc.Score(in, scores)
	labels = make([]int, len(rows))
	families = make([]string, len(rows))
	for i, r := range rows {
		labels[i], families[i] = r.Label, r.Family
	}
	return scores, labels, families
}

// EvaluateModel scores every row of the datasets with a published model at
// its stored threshold and records the evaluation (used by `mlctl eval`).
func EvaluateModel(ctx context.Context, db *registry.DB, m *registry.Model, ds []*registry.Dataset) (eval.Report, error) {
	data, sha, err := db.Artifact(ctx, m.ID)
	if err != nil {
		return eval.Report{}, err
	}
	if sha != m.SHA256 {
		return eval.Report{}, registry.Errorf(registry.ECORRUPT, "model %s: stored checksum %s differs from the model record %s", m.Ref(), sha, m.SHA256)
	}
	art, err := artifact.Decode(data, m.SHA256)
	if err != nil {
		return eval.Report{}, registry.Errorf(registry.ECORRUPT, "model %s: %v", m.Ref(), err)
	}
	man, err := artifact.ParseManifest(m)
	if err != nil {
		return eval.Report{}, err
	}
	sc, err := artifact.NewScorer(art)
	if err != nil {
		return eval.Report{}, err
	}
	var rows []datasets.Row
	var ids []int64
	for _, d := range ds {
		r, err := db.DatasetRows(ctx, d.ID)
		if err != nil {
			return eval.Report{}, err
		}
		rows = append(rows, r...)
		ids = append(ids, d.ID)
	}
	if len(rows) == 0 {
		return eval.Report{}, registry.Errorf(registry.EINVALID, "no rows to evaluate")
	}
	s, l, f := Score(sc, rows)
	rep := eval.Evaluate(s, l, f, man.Threshold)
	if _, err := db.AddEvaluation(ctx, evaluationRow(m.ID, ids, "all", rep)); err != nil {
		return rep, fmt.Errorf("record evaluation: %w", err)
	}
	return rep, nil
}
