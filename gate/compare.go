package gate

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/evaluation"
	"github.com/mlctl/mlctl/published"
	"github.com/mlctl/mlctl/training/eval"
	"github.com/mlctl/mlctl/trainingdata"
)

// Compare scores champion and challenger on the same labeled rows and
// passes the challenger unless its ROC-AUC, or its recall at the
// champion's false positive rate, is worse by more than the margins; then
// it applies the shadow requirements, when the input sets any. A
// challenger that scores other inputs than the champion does not pass.
// Rows or models no retry can fix are EINVALID errors.
func Compare(ctx context.Context, st Store, in Input, champion, challenger *published.Loaded) (Result, error) {
	champ, err := scorer(champion)
	if err != nil {
		return Result{}, err
	}
	chall, err := scorer(challenger)
	if err != nil {
		return Result{}, err
	}
	champRef, challRef := champion.Model.Ref(), challenger.Model.Ref()
	if champ.Kind() != chall.Kind() {
		return Result{Champion: Side{Model: champRef}, Challenger: Side{Model: challRef},
			Reason: fmt.Sprintf("challenger %s scores %s inputs, %s's %s scores %s: its scorers would stop scoring what they score now (promote with --force to switch anyway)",
				challRef, chall.Kind(), in.Alias, champRef, champ.Kind())}, nil
	}
	rows, columns, on, err := evalRows(ctx, st, challenger, in.EvalDatasets)
	if err != nil {
		return Result{}, err
	}
	rows = trainingdata.Labeled(rows)
	if len(in.EvalDatasets) == 0 {
		// The challenger's test rows may include rows the champion trained
		// on, which would favour it: leave those out.
		if rows, err = withoutTrainingRows(ctx, st, champion, rows); err != nil {
			return Result{}, err
		}
		on += " less the rows " + champRef + " trained on"
	}
	if err := trainingdata.TwoClasses(rows, "gate evaluation rows ("+on+")"); err != nil {
		return Result{}, err
	}
	cs, labels, _, err := evaluation.Score(champ, rows, columns)
	if err != nil {
		return Result{}, mlctl.Errorf(mlctl.EINVALID, "%s: %v", champRef, err)
	}
	ns, _, _, err := evaluation.Score(chall, rows, columns)
	if err != nil {
		return Result{}, mlctl.Errorf(mlctl.EINVALID, "%s: %v", challRef, err)
	}
	conf := eval.ConfusionAt(cs, labels, champion.Manifest.Threshold)
	fpr := 0.0
	if n := conf.FP + conf.TN; n > 0 {
		fpr = float64(conf.FP) / float64(n)
	}
	champRecall := 0.0
	if p := conf.TP + conf.FN; p > 0 {
		champRecall = float64(conf.TP) / float64(p)
	}
	challRecall, _ := eval.RecallAtFPR(ns, labels, fpr)
	r := Result{
		Rows: len(rows), EvalOn: on, FPR: fpr, MarginAUC: in.MarginAUC, MarginRec: in.MarginRecall,
		Champion:   Side{Model: champRef, AUC: eval.ROCAUC(cs, labels), Recall: champRecall},
		Challenger: Side{Model: challRef, AUC: eval.ROCAUC(ns, labels), Recall: challRecall},
	}
	switch {
	case r.Challenger.AUC < r.Champion.AUC-in.MarginAUC:
		r.Reason = fmt.Sprintf("challenger %s ROC-AUC %.4f is %.4f below %s's %s (%.4f); the margin is %.4f",
			r.Challenger.Model, r.Challenger.AUC, r.Champion.AUC-r.Challenger.AUC, in.Alias, r.Champion.Model, r.Champion.AUC, in.MarginAUC)
	case r.Challenger.Recall < r.Champion.Recall-in.MarginRecall:
		r.Reason = fmt.Sprintf("challenger %s recall %.4f at FPR %.4f is %.4f below %s's %s (%.4f); the margin is %.4f",
			r.Challenger.Model, r.Challenger.Recall, fpr, r.Champion.Recall-r.Challenger.Recall, in.Alias, r.Champion.Model, r.Champion.Recall, in.MarginRecall)
	default:
		r.Passed = true
		r.Reason = fmt.Sprintf("challenger %s ROC-AUC %.4f vs %.4f, recall %.4f vs %.4f at FPR %.4f on %d rows of %s",
			r.Challenger.Model, r.Challenger.AUC, r.Champion.AUC, r.Challenger.Recall, r.Champion.Recall, fpr, len(rows), on)
	}
	if r.Passed && in.wantsShadow() {
		sh, err := Shadow(ctx, st, in, challRef, champRef)
		if err != nil {
			return Result{}, err
		}
		r.Shadow = sh.Summary
		if sh.Passed {
			r.Reason += "; " + sh.Reason
		} else {
			r.Passed, r.Reason = false, sh.Reason
		}
	}
	return r, nil
}

// scorer is the scorer of a loaded model; a model no scorer reads is an
// EINVALID error.
func scorer(l *published.Loaded) (*artifact.Scorer, error) {
	sc, err := artifact.NewScorer(l.Artifact)
	if err != nil {
		return nil, mlctl.Errorf(mlctl.EINVALID, "model %s: %v", l.Model.Ref(), err)
	}
	return sc, nil
}
