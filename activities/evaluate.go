package activities

import (
	"context"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/evaluation"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/eval"
	"github.com/mlctl/mlctl/trainingdata"
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
	// alert. It is the threshold at evaluation.ClientFPR on validation, when that is
	// below Threshold; 0 otherwise.
	ClientThreshold float64      `json:"client_threshold,omitempty"`
	Validation      mlctl.Report `json:"validation"`
	Test            mlctl.Report `json:"test"`
}

// Evaluate scores the validation part, chooses the threshold there (at
// in.ThresholdFPR, or the best F1 when it is 0), and reports validation and
// test metrics at that threshold. Rows of names the default prefilter
// rejects are left out of both parts and counted in each report's
// Prefiltered.
func (a *Activities) Evaluate(ctx context.Context, in EvaluateInput) (res EvaluateResult, err error) {
	defer func() { a.Metrics.evaluated(err) }()
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
		return EvaluateResult{}, nonRetryable(invalid(err))
	}
	rows, lay, split, err := trainingdata.LoadSplit(ctx, a.DB, in.DatasetIDs, in.SplitID)
	if err != nil {
		return EvaluateResult{}, nonRetryable(err)
	}
	val, valLeft := evaluation.Prefilter(sc, trainingdata.Labeled(trainingdata.Part(rows, split, registry.PartValidation)))
	test, testLeft := evaluation.Prefilter(sc, trainingdata.Labeled(trainingdata.Part(rows, split, registry.PartTest)))
	if err := trainingdata.TwoClasses(val, "validation part"); err != nil {
		adaptive, ok := art.AdaptiveThreshold()
		if !ok {
			return EvaluateResult{}, nonRetryable(err)
		}
		// An isolation forest learns from a baseline, not labels: with no
		// labeled rows to measure, its own adaptive threshold decides.
		return EvaluateResult{Threshold: adaptive, ThresholdRule: "the isolation forest's adaptive threshold (no labeled validation rows of both classes to choose one on)"}, nil
	}
	vs, vl, vf, err := evaluation.Score(sc, val, lay.Columns)
	if err != nil {
		return EvaluateResult{}, nonRetryable(invalid(err))
	}
	threshold, rule := eval.BestF1Threshold(vs, vl), evaluation.BestF1Rule
	if in.ThresholdFPR > 0 {
		var recall float64
		recall, threshold = eval.RecallAtFPR(vs, vl, in.ThresholdFPR)
		rule = evaluation.FPRRule(in.ThresholdFPR, countBenign(vl), recall)
	}
	out := EvaluateResult{Threshold: threshold, ThresholdRule: rule, Validation: eval.Evaluate(vs, vl, vf, threshold)}
	if lay.Kind == "dga" {
		out.ClientThreshold = evaluation.ClientThreshold(vs, vl, threshold)
	}
	if len(test) > 0 {
		ts, tl, tf, err := evaluation.Score(sc, test, lay.Columns)
		if err != nil {
			return EvaluateResult{}, nonRetryable(invalid(err))
		}
		out.Test = eval.Evaluate(ts, tl, tf, threshold)
	}
	out.Validation.Prefiltered, out.Test.Prefiltered = valLeft, testLeft
	return out, nil
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
