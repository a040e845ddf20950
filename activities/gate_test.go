package activities_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/gate"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/training"
)

// publish splits, trains, evaluates and publishes a model as the TrainModel
// workflow would, and returns its id.
func publish(t *testing.T, env *testsuite.TestActivityEnvironment, acts *activities.Activities, refs []activities.DatasetRef, seed uint64, params map[string]string) int64 {
	t.Helper()
	ids := []int64{refs[0].ID}
	var split activities.SplitResult
	v, err := env.ExecuteActivity(acts.SplitDatasets, activities.SplitInput{DatasetIDs: ids, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	v.Get(&split)
	wf := fmt.Sprintf("wf-%d-%s", seed, params["rounds"])
	var trained activities.TrainResult
	if v, err = env.ExecuteActivity(acts.Train, activities.TrainInput{WorkflowID: wf, DatasetIDs: ids, SplitID: split.SplitID, Algo: "gbdt", Params: params, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	v.Get(&trained)
	var ev activities.EvaluateResult
	if v, err = env.ExecuteActivity(acts.Evaluate, activities.EvaluateInput{CandidateID: trained.CandidateID, DatasetIDs: ids, SplitID: split.SplitID}); err != nil {
		t.Fatal(err)
	}
	v.Get(&ev)
	var pub activities.PublishResult
	if v, err = env.ExecuteActivity(acts.Publish, activities.PublishInput{WorkflowID: wf, Model: "dga", Algo: "gbdt", CandidateID: trained.CandidateID,
		Datasets: refs, Split: split, Seed: seed, Params: trained.Params, Evaluation: ev}); err != nil {
		t.Fatal(err)
	}
	v.Get(&pub)
	return pub.ModelID
}

// TestGateComparesBothModelsOnTheSameRows: a much weaker challenger fails
// the gate, naming the metric and margin; the stronger one passes; the
// default rows leave out what the champion trained on.
func TestGateComparesBothModelsOnTheSameRows(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	rows := datasets.GenerateDemo(6, 4000)
	if _, _, err := db.CreateDataset(ctx, registry.NewDataset{Name: "demo", Kind: "dga", SHA256: datasets.Hash(rows), Rows: rows}); err != nil {
		t.Fatal(err)
	}
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	acts := &activities.Activities{DB: db}
	env.RegisterActivity(acts)
	v, err := env.ExecuteActivity(acts.ResolveDatasets, []string{"demo"})
	if err != nil {
		t.Fatal(err)
	}
	var refs []activities.DatasetRef
	v.Get(&refs)
	strong := publish(t, env, acts, refs, 1, map[string]string{"rounds": "30", "max_depth": "5"})
	weak := publish(t, env, acts, refs, 2, map[string]string{"rounds": "1", "max_depth": "1"})

	gate := func(champ, chall int64, evalOn []string) gate.Result {
		t.Helper()
		v, err := env.ExecuteActivity(acts.GateRollout, gate.Input{Alias: "production", ChampionID: champ, ChallengerID: chall,
			EvalDatasets: evalOn, MarginAUC: activities.DefaultMarginAUC, MarginRecall: activities.DefaultMarginRecall})
		if err != nil {
			t.Fatal(err)
		}
		var g gate.Result
		v.Get(&g)
		return g
	}
	g := gate(strong, weak, nil)
	if g.Passed || !strings.Contains(g.Reason, "challenger dga@2") || !strings.Contains(g.Reason, "the margin is") {
		t.Fatalf("weak challenger: %+v", g)
	}
	if g.Rows == 0 || g.Rows >= 400 || !strings.Contains(g.EvalOn, "less the rows dga@1 trained on") {
		t.Fatalf("default rows: %d on %q (the challenger's 400 test rows less the champion's training rows)", g.Rows, g.EvalOn)
	}
	g = gate(weak, strong, []string{"demo@1"})
	if !g.Passed || g.Rows != 4000 || g.Challenger.AUC <= g.Champion.AUC || g.EvalOn != "demo@1" {
		t.Fatalf("strong challenger on demo@1: %+v", g)
	}
}

// TestThresholdAtAFalsePositiveRate: with threshold_fpr the threshold keeps
// the validation false positive rate at or under it, and says so; at the
// default 0.001 on a validation split of a few hundred benign rows that
// means no false positive at all, and the rule says what it picked.
func TestThresholdAtAFalsePositiveRate(t *testing.T) {
	db := registrytest.Open(t)
	rows := datasets.GenerateDemo(8, 4000)
	se := newSplitEnv(t, db, "demo", rows, 1)
	env, acts, split := se.env, se.acts, se.split
	ids := se.ids
	var trained activities.TrainResult
	v, err := env.ExecuteActivity(acts.Train, activities.TrainInput{WorkflowID: "wf-fpr", DatasetIDs: ids, SplitID: split.SplitID, Algo: "gbdt",
		Params: map[string]string{"rounds": "20", "threshold_fpr": "0.01"}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	v.Get(&trained)
	evaluate := func(fpr float64) activities.EvaluateResult {
		t.Helper()
		v, err := env.ExecuteActivity(acts.Evaluate, activities.EvaluateInput{CandidateID: trained.CandidateID, DatasetIDs: ids, SplitID: split.SplitID, ThresholdFPR: fpr})
		if err != nil {
			t.Fatal(err)
		}
		var ev activities.EvaluateResult
		v.Get(&ev)
		return ev
	}
	f1, strict := evaluate(0), evaluate(0.01)
	if f1.ThresholdRule != "best F1 on the validation split" || !strings.HasPrefix(strict.ThresholdRule, "false positive rate at most 0.01 on the validation split") {
		t.Fatalf("rules %q and %q", f1.ThresholdRule, strict.ThresholdRule)
	}
	def := evaluate(training.DefaultThresholdFPR)
	benign := def.Validation.Confusion.FP + def.Validation.Confusion.TN
	if benign >= 1000 || def.Validation.Confusion.FP != 0 || def.Validation.Confusion.TP == 0 || def.Threshold < strict.Threshold ||
		!strings.Contains(def.ThresholdRule, fmt.Sprintf("its %d benign rows allow no false positive: the threshold is the lowest malicious score above every benign one", benign)) {
		t.Fatalf("default rule on %d benign validation rows: threshold %.4f, %+v, %q", benign, def.Threshold, def.Validation.Confusion, def.ThresholdRule)
	}
	if got := strict.Validation.Metrics.FPR; got > 0.01 {
		t.Fatalf("validation FPR %.4f at the threshold_fpr=0.01 threshold %.4f", got, strict.Threshold)
	}
	if strict.Threshold < f1.Threshold {
		t.Fatalf("the 1%% FPR threshold %.4f is below the best-F1 one %.4f", strict.Threshold, f1.Threshold)
	}
}
