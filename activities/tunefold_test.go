package activities_test

import (
	"strconv"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/tuning"
)

// TestTuneFold trains a trial on two folds of a real registry's rows and
// scores the third: a sensible log loss; the next rung grows the same
// worker's trees (resumed) and equals a fresh worker's straight run;
// another worker grows the trees the registry kept, again equal to a
// straight run; a fold with other parameters on the same worker reuses
// its data and scores differently.
func TestTuneFold(t *testing.T) {
	db := registrytest.Open(t)
	e := newSplitEnv(t, db, "tunefold", datasets.GenerateDemo(11, 3000), 4)
	fold := func(acts *activities.Activities, run string, units int, depth string) activities.TuneFoldResult {
		t.Helper()
		var s testsuite.WorkflowTestSuite
		env := s.NewTestActivityEnvironment()
		env.RegisterActivity(acts)
		v, err := env.ExecuteActivity(acts.TuneFold, activities.TuneFoldInput{
			RunID: run, Trial: 0, Rung: map[int]int{10: 0, 30: 1, 60: 2}[units], Fold: 1, Folds: 3, Group: "family", Seed: 4,
			DatasetIDs: e.ids, SplitID: e.split.SplitID, Algo: "gbdt",
			Params: map[string]string{"rounds": strconv.Itoa(units), "max_depth": depth, "eta": "0.3"}, Units: units,
			Objective: tuning.Objective{Name: "logloss"}, // the demo's names are separable: ROC-AUC is 1 at any depth
		})
		if err != nil {
			t.Fatal(err)
		}
		var r activities.TuneFoldResult
		if err := v.Get(&r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	w := e.acts
	first := fold(w, "tune-x", 10, "4")
	if !first.Scored || first.Value <= 0 || first.Value > 0.7 || first.Rows == 0 || first.Train <= first.Rows || first.ResumedFrom != 0 {
		t.Fatalf("rung 0: %+v", first)
	}
	grown := fold(w, "tune-x", 30, "4")
	if grown.ResumedFrom != 10 {
		t.Fatalf("rung 1 resumed from %d trees, want the 10 of rung 0", grown.ResumedFrom)
	}
	straight := fold(&activities.Activities{DB: db}, "tune-y", 30, "4")
	if straight.ResumedFrom != 0 || straight.Value != grown.Value {
		t.Fatalf("30 trees grown from 10 score %v, straight %v (resumed from %d)", grown.Value, straight.Value, straight.ResumedFrom)
	}
	// Another worker grows the 30 trees the registry kept.
	elsewhere := fold(&activities.Activities{DB: db}, "tune-x", 60, "4")
	straight = fold(&activities.Activities{DB: db}, "tune-z", 60, "4")
	if elsewhere.ResumedFrom != 30 || straight.ResumedFrom != 0 || elsewhere.Value != straight.Value {
		t.Fatalf("60 trees grown on another worker from %d: %v; straight %v", elsewhere.ResumedFrom, elsewhere.Value, straight.Value)
	}
	other := fold(w, "tune-x", 30, "2")
	if other.Value == grown.Value || other.Rows != grown.Rows || other.Train != grown.Train {
		t.Fatalf("depth 2 %+v vs depth 4 %+v", other, grown)
	}
}
