package activities_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/evaluation"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestEvaluationLeavesOutPrefilteredRows: rows of names the default
// prefilter rejects (reverse lookups, .local, single labels, _service
// labels) are left out of Evaluate's and EvaluateModel's metrics and
// counted by reason in their reports.
func TestEvaluationLeavesOutPrefilteredRows(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	rows := datasets.GenerateDemo(6, 1500)
	want := map[string]int{"arpa": 40, "local": 20, "single_label": 20, "service_label": 20}
	for i := range 20 {
		rows = append(rows,
			datasets.Row{Name: fmt.Sprintf("%d.%d.10.in-addr.arpa", i, i+1), Family: "benign"},
			datasets.Row{Name: fmt.Sprintf("%d.b.a.ip6.arpa", i), Label: 1, Family: "odd"},
			datasets.Row{Name: fmt.Sprintf("printer%d.local", i), Family: "benign"},
			datasets.Row{Name: fmt.Sprintf("host%d", i), Family: "benign"},
			datasets.Row{Name: fmt.Sprintf("_x%d._tcp.example.com", i), Label: 1, Family: "odd"})
	}
	se := newSplitEnv(t, db, "odd", rows, 3)
	env, acts, d, split := se.env, se.acts, se.d, se.split
	v, err := env.ExecuteActivity(acts.Train, activities.TrainInput{WorkflowID: "wf-odd", DatasetIDs: []int64{d.ID}, SplitID: split.SplitID,
		Algo: "gbdt", Params: map[string]string{"rounds": "10", "max_depth": "3"}, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var trained activities.TrainResult
	v.Get(&trained)
	v, err = env.ExecuteActivity(acts.Evaluate, activities.EvaluateInput{CandidateID: trained.CandidateID, DatasetIDs: []int64{d.ID}, SplitID: split.SplitID})
	if err != nil {
		t.Fatal(err)
	}
	var ev activities.EvaluateResult
	v.Get(&ev)
	sum := func(m map[string]int) (n int) {
		for _, c := range m {
			n += c
		}
		return n
	}
	if ev.Validation.Rows+sum(ev.Validation.Prefiltered) != split.Validation || ev.Test.Rows+sum(ev.Test.Prefiltered) != split.Test ||
		sum(ev.Validation.Prefiltered)+sum(ev.Test.Prefiltered) == 0 {
		t.Fatalf("split %+v; validation %d rows, %v prefiltered; test %d rows, %v prefiltered",
			split, ev.Validation.Rows, ev.Validation.Prefiltered, ev.Test.Rows, ev.Test.Prefiltered)
	}
	for _, rep := range []map[string]int{ev.Validation.Prefiltered, ev.Test.Prefiltered} {
		for reason := range rep {
			if want[reason] == 0 {
				t.Fatalf("reason %q counted", reason)
			}
		}
	}

	refs := []activities.DatasetRef{{ID: d.ID, Ref: "odd@1"}}
	v, err = env.ExecuteActivity(acts.Publish, activities.PublishInput{WorkflowID: "wf-odd", Model: "odd-gbdt", Algo: "gbdt",
		CandidateID: trained.CandidateID, Datasets: refs, Split: split, Seed: 3, Params: trained.Params, Evaluation: ev})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := db.Models(ctx)
	if err != nil || len(ms) != 1 {
		t.Fatalf("models %v %v", ms, err)
	}
	rep, err := evaluation.Published(ctx, db, ms[0], []*registry.Dataset{d})
	if err != nil || rep.Rows != 1500 || fmt.Sprint(rep.Prefiltered) != fmt.Sprint(want) {
		t.Fatalf("evaluation.Published: %d rows, prefiltered %v, want 1500 and %v: %v", rep.Rows, rep.Prefiltered, want, err)
	}
}
