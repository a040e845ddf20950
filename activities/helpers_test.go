package activities_test

import (
	"context"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
)

// splitEnv is a test activity environment on a real registry holding one
// dga dataset and its split.
type splitEnv struct {
	env   *testsuite.TestActivityEnvironment
	acts  *activities.Activities
	d     *registry.Dataset
	ids   []int64
	split activities.SplitResult
}

// newSplitEnv stores rows as dataset name (kind dga) in db, registers the
// activities and splits the dataset with seed.
func newSplitEnv(t *testing.T, db *registry.DB, name string, rows []datasets.Row, seed uint64) *splitEnv {
	t.Helper()
	d, _, err := db.CreateDataset(context.Background(), registry.NewDataset{Name: name, Kind: "dga", SHA256: datasets.Hash(rows), Rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	var s testsuite.WorkflowTestSuite
	e := &splitEnv{env: s.NewTestActivityEnvironment(), acts: &activities.Activities{DB: db}, d: d, ids: []int64{d.ID}}
	e.env.RegisterActivity(e.acts)
	v, err := e.env.ExecuteActivity(e.acts.SplitDatasets, activities.SplitInput{DatasetIDs: e.ids, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Get(&e.split); err != nil {
		t.Fatal(err)
	}
	return e
}
