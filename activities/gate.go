package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/eval"
)

// Default gate margins: how much worse than the alias's current model a
// challenger may be and still be promoted.
const (
	DefaultMarginAUC    = 0.005
	DefaultMarginRecall = 0.02
)

// GateInput names the two models and the evaluation rows.
type GateInput struct {
	Alias        string `json:"alias"`
	ChampionID   int64  `json:"champion_id"`
	ChallengerID int64  `json:"challenger_id"`
	// EvalDatasets are NAME[@V] references; empty means the challenger's
	// own test split (the rows its published metrics came from).
	EvalDatasets []string `json:"eval_datasets"`
	MarginAUC    float64  `json:"margin_auc"`
	MarginRecall float64  `json:"margin_recall"`
	// Shadow requirements, checked when any is set: the challenger must
	// have been scored beside this champion on the alias's live traffic
	// (see registry.Shadow) for at least MinShadow, on at least
	// MinShadowScored inputs, with at most MaxDisagreement of them labeled
	// differently (0: no limit).
	MinShadow       time.Duration `json:"min_shadow,omitempty"`
	MinShadowScored int64         `json:"min_shadow_scored,omitempty"`
	MaxDisagreement float64       `json:"max_disagreement,omitempty"`
}

// GateSide is one model's figures on the gate's rows.
type GateSide struct {
	Model  string  `json:"model"`
	AUC    float64 `json:"auc_roc"`
	Recall float64 `json:"recall"` // at the champion's false positive rate
}

// GateResult is the comparison; Passed false carries the reason.
type GateResult struct {
	Rows       int      `json:"rows"`
	EvalOn     string   `json:"eval_on"`
	FPR        float64  `json:"fpr"` // the champion's false positive rate at its threshold
	Champion   GateSide `json:"champion"`
	Challenger GateSide `json:"challenger"`
	MarginAUC  float64  `json:"margin_auc"`
	MarginRec  float64  `json:"margin_recall"`
	Passed     bool     `json:"passed"`
	Reason     string   `json:"reason"`
	// Shadow is the challenger's shadow on the alias, when the gate
	// required one.
	Shadow *registry.ShadowSummary `json:"shadow,omitempty"`
}

// GateRollout scores champion and challenger on the same labeled rows and
// passes the challenger unless its ROC-AUC, or its recall at the champion's
// false positive rate, is worse by more than the margins.
func (a *Activities) GateRollout(ctx context.Context, in GateInput) (GateResult, error) {
	champ, err := a.loadScorer(ctx, in.ChampionID)
	if err != nil {
		return GateResult{}, err
	}
	chall, err := a.loadScorer(ctx, in.ChallengerID)
	if err != nil {
		return GateResult{}, err
	}
	if champ.scorer.Kind() != chall.scorer.Kind() {
		return GateResult{Champion: GateSide{Model: champ.Model.Ref()}, Challenger: GateSide{Model: chall.Model.Ref()},
			Reason: fmt.Sprintf("challenger %s scores %s inputs, %s's %s scores %s: its scorers would stop scoring what they score now (promote with --force to switch anyway)",
				chall.Model.Ref(), chall.scorer.Kind(), in.Alias, champ.Model.Ref(), champ.scorer.Kind())}, nil
	}
	rows, columns, on, err := a.gateRows(ctx, chall.Model, chall.Manifest, in.EvalDatasets)
	if err != nil {
		return GateResult{}, nonRetryable(err)
	}
	rows = labeled(rows)
	if len(in.EvalDatasets) == 0 {
		// The challenger's test rows may include rows the champion trained
		// on, which would favour it: leave those out.
		if rows, err = a.withoutTrainingRows(ctx, champ, rows); err != nil {
			return GateResult{}, nonRetryable(err)
		}
		on += " less the rows " + champ.Model.Ref() + " trained on"
	}
	if err := checkTwoClasses(rows, "gate evaluation rows ("+on+")"); err != nil {
		return GateResult{}, nonRetryable(err)
	}
	cs, labels, _, err := Score(champ.scorer, rows, columns)
	if err != nil {
		return GateResult{}, nonRetryable(&BadInputError{champ.Model.Ref() + ": " + err.Error()})
	}
	ns, _, _, err := Score(chall.scorer, rows, columns)
	if err != nil {
		return GateResult{}, nonRetryable(&BadInputError{chall.Model.Ref() + ": " + err.Error()})
	}
	conf := eval.ConfusionAt(cs, labels, champ.Manifest.Threshold)
	fpr := 0.0
	if n := conf.FP + conf.TN; n > 0 {
		fpr = float64(conf.FP) / float64(n)
	}
	champRecall := 0.0
	if p := conf.TP + conf.FN; p > 0 {
		champRecall = float64(conf.TP) / float64(p)
	}
	challRecall, _ := eval.RecallAtFPR(ns, labels, fpr)
	r := GateResult{
		Rows: len(rows), EvalOn: on, FPR: fpr, MarginAUC: in.MarginAUC, MarginRec: in.MarginRecall,
		Champion:   GateSide{Model: champ.Model.Ref(), AUC: eval.ROCAUC(cs, labels), Recall: champRecall},
		Challenger: GateSide{Model: chall.Model.Ref(), AUC: eval.ROCAUC(ns, labels), Recall: challRecall},
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
	if r.Passed && (in.MinShadow > 0 || in.MinShadowScored > 0 || in.MaxDisagreement > 0) {
		sum, passed, why, err := a.shadowGate(ctx, in, chall.Model.Ref(), champ.Model.Ref())
		if err != nil {
			return GateResult{}, err
		}
		r.Shadow = sum
		if passed {
			r.Reason += "; " + why
		} else {
			r.Passed, r.Reason = false, why
		}
	}
	return r, nil
}

// gateModel is a loaded model ready to score.
type gateModel struct {
	*artifact.Loaded
	scorer *artifact.Scorer
}

func (a *Activities) loadScorer(ctx context.Context, id int64) (*gateModel, error) {
	m, err := a.DB.ModelByID(ctx, id)
	if err != nil {
		return nil, nonRetryable(err)
	}
	l, err := artifact.Load(ctx, a.DB, m)
	if err != nil {
		return nil, nonRetryable(err)
	}
	sc, err := artifact.NewScorer(l.Artifact)
	if err != nil {
		return nil, nonRetryable(&BadInputError{"model " + m.Ref() + ": " + err.Error()})
	}
	return &gateModel{Loaded: l, scorer: sc}, nil
}

// gateRows returns the named datasets' rows, or else the challenger's test
// split, with the names of the values of vector rows.
func (a *Activities) gateRows(ctx context.Context, m *registry.Model, man *artifact.Manifest, refs []string) ([]datasets.Row, []string, string, error) {
	if len(refs) > 0 {
		ds, err := a.ResolveDatasets(ctx, refs)
		if err != nil {
			return nil, nil, "", err
		}
		ids := make([]int64, len(ds))
		on := ""
		for i, d := range ds {
			ids[i] = d.ID
			if i > 0 {
				on += "+"
			}
			on += d.Ref
		}
		rows, lay, err := a.loadRows(ctx, ids)
		return rows, lay.Columns, on, err
	}
	ds, err := a.ResolveDatasets(ctx, man.DatasetVersions)
	if err != nil {
		return nil, nil, "", fmt.Errorf("datasets of %s: %w", m.Ref(), err)
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	s, err := a.DB.FindSplit(ctx, ids, man.Split.Seed, man.Split.HoldoutFamilies)
	if err != nil {
		return nil, nil, "", fmt.Errorf("test split of %s: %w", m.Ref(), err)
	}
	rows, lay, s, err := a.loadSplitRows(ctx, ids, s.ID)
	if err != nil {
		return nil, nil, "", err
	}
	return partRows(rows, s, registry.PartTest), lay.Columns, "the test split of " + m.Ref(), nil
}

// withoutTrainingRows drops the rows (by name and label) that the model
// trained on.
func (a *Activities) withoutTrainingRows(ctx context.Context, g *gateModel, rows []datasets.Row) ([]datasets.Row, error) {
	trainedOn, _, err := TrainingRows(ctx, a.DB, g.Model, g.Manifest)
	if err != nil {
		return nil, err
	}
	type key struct {
		name  string
		label int
	}
	trained := map[key]bool{}
	for _, r := range trainedOn {
		trained[key{r.Name, r.Label}] = true
	}
	out := rows[:0:0]
	for _, r := range rows {
		if !trained[key{r.Name, r.Label}] {
			out = append(out, r)
		}
	}
	return out, nil
}

// TrainingRows returns the rows a published model was trained on: the train
// part of its stored split of its dataset versions, with the names of the
// values of vector rows (nil for names).
func TrainingRows(ctx context.Context, db *registry.DB, m *registry.Model, man *artifact.Manifest) ([]datasets.Row, []string, error) {
	a := &Activities{DB: db}
	ds, err := a.ResolveDatasets(ctx, man.DatasetVersions)
	if err != nil {
		return nil, nil, fmt.Errorf("datasets of %s: %w", m.Ref(), err)
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	s, err := db.FindSplit(ctx, ids, man.Split.Seed, man.Split.HoldoutFamilies)
	if err != nil {
		return nil, nil, fmt.Errorf("training split of %s: %w", m.Ref(), err)
	}
	all, lay, s, err := a.loadSplitRows(ctx, ids, s.ID)
	if err != nil {
		return nil, nil, err
	}
	return partRows(all, s, registry.PartTrain), lay.Columns, nil
}
