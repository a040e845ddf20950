package activities_test

import (
	"context"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/evaluation"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestPipelineOnRealRegistry runs the activities alone, in order, on a real
// database: split → train → evaluate → publish, and a retried publish.
func TestPipelineOnRealRegistry(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	rows := datasets.GenerateDemo(4, 3000)
	d, _, err := db.CreateDataset(ctx, registry.NewDataset{Name: "demo", Kind: "dga", SHA256: datasets.Hash(rows), Rows: rows})
	if err != nil {
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
	if len(refs) != 1 || refs[0].ID != d.ID || refs[0].Ref != "demo@1" {
		t.Fatalf("resolved %+v", refs)
	}
	if _, err := env.ExecuteActivity(acts.ResolveDatasets, []string{"demo@7"}); err == nil {
		t.Fatal("resolving a missing version succeeded")
	}

	v, err = env.ExecuteActivity(acts.SplitDatasets, activities.SplitInput{DatasetIDs: []int64{d.ID}, Seed: 2, HoldoutFamilies: []string{"matsnu"}})
	if err != nil {
		t.Fatal(err)
	}
	var split activities.SplitResult
	v.Get(&split)
	if split.Train+split.Validation+split.Test != 3000 {
		t.Fatalf("split %+v", split)
	}

	in := activities.TrainInput{WorkflowID: "wf-1", DatasetIDs: []int64{d.ID}, SplitID: split.SplitID, Algo: "gbdt",
		Params: map[string]string{"rounds": "15", "max_depth": "4"}, Seed: 2}
	v, err = env.ExecuteActivity(acts.Train, in)
	if err != nil {
		t.Fatal(err)
	}
	var trained activities.TrainResult
	v.Get(&trained)
	if trained.Trees != 15 || trained.ResumedFrom != 0 || trained.Params["max_depth"] != "4" {
		t.Fatalf("trained %+v", trained)
	}
	// Same inputs and seed: the same bytes.
	in.WorkflowID = "wf-2"
	v, err = env.ExecuteActivity(acts.Train, in)
	if err != nil {
		t.Fatal(err)
	}
	var again activities.TrainResult
	v.Get(&again)
	if again.SHA256 != trained.SHA256 {
		t.Fatalf("same seed, different model: %s vs %s", again.SHA256, trained.SHA256)
	}

	v, err = env.ExecuteActivity(acts.Evaluate, activities.EvaluateInput{CandidateID: trained.CandidateID, DatasetIDs: []int64{d.ID}, SplitID: split.SplitID})
	if err != nil {
		t.Fatal(err)
	}
	var ev activities.EvaluateResult
	v.Get(&ev)
	if ev.Validation.Rows == 0 || ev.Test.Rows != split.Test || ev.Threshold <= 0 || ev.Threshold >= 1 {
		t.Fatalf("evaluation %+v", ev)
	}
	matsnu := false
	for _, f := range ev.Test.FamilyRecall {
		matsnu = matsnu || f.Family == "matsnu"
	}
	if !matsnu {
		t.Fatalf("held-out family missing from the test report: %+v", ev.Test.FamilyRecall)
	}

	pin := activities.PublishInput{WorkflowID: "wf-1", Model: "demo-gbdt", Algo: "gbdt", CandidateID: trained.CandidateID,
		Datasets: refs, Split: split, Seed: 2, HoldoutFamilies: []string{"matsnu"}, Params: trained.Params, Evaluation: ev}
	var first, second activities.PublishResult
	v, err = env.ExecuteActivity(acts.Publish, pin)
	if err != nil {
		t.Fatal(err)
	}
	v.Get(&first)
	v, err = env.ExecuteActivity(acts.Publish, pin)
	if err != nil {
		t.Fatalf("retried publish: %v", err)
	}
	v.Get(&second)
	if first.Version != 1 || second.ModelID != first.ModelID || first.SHA256 != trained.SHA256 {
		t.Fatalf("publish %+v then %+v", first, second)
	}
	ms, err := db.Models(ctx)
	if err != nil || len(ms) != 1 {
		t.Fatalf("%d models after a retried publish: %v", len(ms), err)
	}
	evs, err := db.Evaluations(ctx, first.ModelID)
	if err != nil || len(evs) != 2 {
		t.Fatalf("evaluations %+v %v", evs, err)
	}
	rep, err := evaluation.Published(ctx, db, ms[0], []*registry.Dataset{d})
	if err != nil || rep.Rows != 3000 {
		t.Fatalf("evaluation.Published: %+v %v", rep, err)
	}
}

func TestTrainRefusesOneClassData(t *testing.T) {
	db := registrytest.Open(t)
	var rows []datasets.Row
	for _, r := range datasets.GenerateDemo(1, 400) {
		if r.Label == 0 {
			rows = append(rows, r)
		}
	}
	se := newSplitEnv(t, db, "benign", rows, 1)
	_, err := se.env.ExecuteActivity(se.acts.Train, activities.TrainInput{WorkflowID: "w", DatasetIDs: se.ids, SplitID: se.split.SplitID, Algo: "gbdt"})
	if err == nil {
		t.Fatal("trained on benign rows only")
	}
}
