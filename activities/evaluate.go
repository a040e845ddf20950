package activities

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl"

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
	// positive rate on validation at or under it (the most recall there):
	// what live traffic, nearly all benign, needs. Zero picks the best F1.
	// TrainModel sets it from ThresholdFPR(params), DefaultThresholdFPR
	// unless the run asks otherwise.
	ThresholdFPR float64 `json:"threshold_fpr,omitempty"`
}

// EvaluateResult holds the threshold chosen on validation and the reports.
type EvaluateResult struct {
	Threshold float64 `json:"threshold"`
	// ThresholdRule says how Threshold was chosen, in words (empty in
	// results recorded before it was always set: best F1).
	ThresholdRule string `json:"threshold_rule,omitempty"`
	// ClientThreshold is a domain-name model's looser cut for client
	// verdicts: a name answered NXDOMAIN at or above it counts toward its
	// client's verdict (serve's client windows) though it raises no name
	// alert. It is the threshold at ClientFPR on validation, when that is
	// below Threshold; 0 otherwise.
	ClientThreshold float64     `json:"client_threshold,omitempty"`
	Validation      eval.Report `json:"validation"`
	Test            eval.Report `json:"test"`
}

// ClientFPR is the false positive rate on validation of a domain-name
// model's client threshold: ten times the default name threshold's, since
// a client verdict also needs k such names answered NXDOMAIN in one window.
const ClientFPR = 0.01

// ClientThreshold is the client threshold of a domain-name model whose
// validation scores and labels are scores and labels and whose name
// threshold is threshold: the cut at ClientFPR, or 0 when that is not
// below the name threshold.
func ClientThreshold(scores []float64, labels []int, threshold float64) float64 {
	if _, ct := eval.RecallAtFPR(scores, labels, ClientFPR); ct < threshold {
		return ct
	}
	return 0
}

// Evaluate scores the validation part, chooses the threshold there (at
// in.ThresholdFPR, or the best F1 when it is 0), and reports validation and
// test metrics at that threshold. Rows of names the default prefilter
// rejects are left out of both parts and counted in each report's
// Prefiltered.
func (a *Activities) Evaluate(ctx context.Context, in EvaluateInput) (EvaluateResult, error) {
	c, err := a.DB.CheckpointByID(ctx, in.CandidateID)
	if err != nil {
		return EvaluateResult{}, nonRetryable(err)
	}
	art, err := artifact.Decode(c.Artifact, c.SHA256)
	if err != nil {
		return EvaluateResult{}, nonRetryable(mlctl.Errorf(mlctl.ECORRUPT, "candidate %d: %v", in.CandidateID, err))
	}
	sc, err := artifact.NewScorer(art)
	if err != nil {
		return EvaluateResult{}, nonRetryable(&BadInputError{err.Error()})
	}
	rows, lay, split, err := a.loadSplitRows(ctx, in.DatasetIDs, in.SplitID)
	if err != nil {
		return EvaluateResult{}, nonRetryable(err)
	}
	val, valLeft := prefilterRows(sc, labeled(partRows(rows, split, registry.PartValidation)))
	test, testLeft := prefilterRows(sc, labeled(partRows(rows, split, registry.PartTest)))
	if err := checkTwoClasses(val, "validation part"); err != nil {
		adaptive, ok := art.AdaptiveThreshold()
		if !ok {
			return EvaluateResult{}, nonRetryable(err)
		}
		// An isolation forest learns from a baseline, not labels: with no
		// labeled rows to measure, its own adaptive threshold decides.
		return EvaluateResult{Threshold: adaptive, ThresholdRule: "the isolation forest's adaptive threshold (no labeled validation rows of both classes to choose one on)"}, nil
	}
	vs, vl, vf, err := Score(sc, val, lay.Columns)
	if err != nil {
		return EvaluateResult{}, nonRetryable(&BadInputError{err.Error()})
	}
	threshold, rule := eval.BestF1Threshold(vs, vl), bestF1Rule
	if in.ThresholdFPR > 0 {
		var recall float64
		recall, threshold = eval.RecallAtFPR(vs, vl, in.ThresholdFPR)
		rule = fprRule(in.ThresholdFPR, countBenign(vl), recall)
	}
	out := EvaluateResult{Threshold: threshold, ThresholdRule: rule, Validation: eval.Evaluate(vs, vl, vf, threshold)}
	if lay.Kind == "dga" {
		out.ClientThreshold = ClientThreshold(vs, vl, threshold)
	}
	if len(test) > 0 {
		ts, tl, tf, err := Score(sc, test, lay.Columns)
		if err != nil {
			return EvaluateResult{}, nonRetryable(&BadInputError{err.Error()})
		}
		out.Test = eval.Evaluate(ts, tl, tf, threshold)
	}
	out.Validation.Prefiltered, out.Test.Prefiltered = valLeft, testLeft
	return out, nil
}

// Score scores rows (names, or vectors whose values columns names) and
// returns scores, labels and families side by side. A model of another
// kind than the rows is an error.
func Score(sc *artifact.Scorer, rows []datasets.Row, columns []string) (scores []float64, labels []int, families []string, err error) {
	scores = make([]float64, len(rows))
	switch {
	case sc.TakesVectors() && columns != nil:
		v := make([][]float64, len(rows))
		for i, r := range rows {
			v[i] = r.Values
		}
		if err := sc.ScoreVectors(columns, v, scores); err != nil {
			return nil, nil, nil, err
		}
	case !sc.TakesVectors() && columns == nil:
		sc.Score(names(rows), scores)
	case columns == nil:
		return nil, nil, nil, fmt.Errorf("a %s model scores vectors; these rows are domain names", sc.Kind())
	default:
		return nil, nil, nil, fmt.Errorf("a model of domain names cannot score the vectors of a flow or tabular dataset")
	}
	labels = make([]int, len(rows))
	families = make([]string, len(rows))
	for i, r := range rows {
		labels[i], families[i] = r.Label, r.Family
	}
	return scores, labels, families, nil
}

// countBenign counts the labels that are 0.
func countBenign(labels []int) int {
	n := 0
	for _, l := range labels {
		if l == 0 {
			n++
		}
	}
	return n
}

// EvaluateModel scores every row of the datasets with a published model at
// its stored threshold and records the evaluation (used by `mlctl eval`).
// Rows of names the default prefilter rejects are left out and counted in
// the report's Prefiltered.
func EvaluateModel(ctx context.Context, db *registry.DB, m *registry.Model, ds []*registry.Dataset) (eval.Report, error) {
	data, sha, err := db.Artifact(ctx, m.ID)
	if err != nil {
		return eval.Report{}, err
	}
	if sha != m.SHA256 {
		return eval.Report{}, mlctl.Errorf(mlctl.ECORRUPT, "model %s: stored checksum %s differs from the model record %s", m.Ref(), sha, m.SHA256)
	}
	art, err := artifact.Decode(data, m.SHA256)
	if err != nil {
		return eval.Report{}, mlctl.Errorf(mlctl.ECORRUPT, "model %s: %v", m.Ref(), err)
	}
	man, err := artifact.ParseManifest(m)
	if err != nil {
		return eval.Report{}, err
	}
	sc, err := artifact.NewScorer(art)
	if err != nil {
		return eval.Report{}, err
	}
	var ids []int64
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	rows, lay, err := (&Activities{DB: db}).loadRows(ctx, ids)
	if err != nil {
		return eval.Report{}, err
	}
	rows, left := prefilterRows(sc, labeled(rows))
	if len(rows) == 0 {
		return eval.Report{}, mlctl.Errorf(mlctl.EINVALID, "no labeled rows to evaluate%s", prefilteredNote(left))
	}
	s, l, f, err := Score(sc, rows, lay.Columns)
	if err != nil {
		return eval.Report{}, mlctl.Errorf(mlctl.EINVALID, "%s: %v", m.Ref(), err)
	}
	rep := eval.Evaluate(s, l, f, man.Threshold)
	rep.Prefiltered = left
	if _, err := db.AddEvaluation(ctx, evaluationRow(m.ID, ids, "all", rep)); err != nil {
		return rep, fmt.Errorf("record evaluation: %w", err)
	}
	return rep, nil
}
