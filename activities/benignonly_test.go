package activities_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/training"
)

// TestIForestOnBenignOnlyNames: an isolation forest trains on a dga dataset
// of benign names only with the default domain feature set (fitted
// benign-only), takes its own adaptive threshold (validation has no
// malicious rows), publishes a model whose manifest says feature_fit
// benign-only, and scores names, DGA names higher than benign ones.
func TestIForestOnBenignOnlyNames(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	var rows, dga []datasets.Row
	for _, r := range datasets.GenerateDemo(3, 2000) {
		if r.Label == 0 {
			rows = append(rows, r)
		} else {
			dga = append(dga, r)
		}
	}
	se := newSplitEnv(t, db, "resolver", rows, 1)
	env, acts, d, split := se.env, se.acts, se.d, se.split
	ids := se.ids
	train := func(wf string) activities.TrainResult {
		t.Helper()
		v, err := env.ExecuteActivity(acts.Train, activities.TrainInput{WorkflowID: wf, DatasetIDs: ids, SplitID: split.SplitID, Algo: "iforest",
			Params: map[string]string{"n_estimators": "50"}, Seed: 1})
		if err != nil {
			t.Fatalf("train iforest on benign names only: %v", err)
		}
		var res activities.TrainResult
		v.Get(&res)
		return res
	}
	trained := train("wf-benign")
	if again := train("wf-benign-2"); again.SHA256 != trained.SHA256 {
		t.Fatalf("same rows and seed, different models: %s vs %s", trained.SHA256, again.SHA256)
	}
	v, err := env.ExecuteActivity(acts.Evaluate, activities.EvaluateInput{CandidateID: trained.CandidateID, DatasetIDs: ids, SplitID: split.SplitID, ThresholdFPR: training.DefaultThresholdFPR})
	if err != nil {
		t.Fatal(err)
	}
	var ev activities.EvaluateResult
	v.Get(&ev)
	if !strings.Contains(ev.ThresholdRule, "adaptive threshold") {
		t.Fatalf("evaluation %+v: want the isolation forest's adaptive threshold", ev)
	}
	v, err = env.ExecuteActivity(acts.Publish, activities.PublishInput{WorkflowID: "wf-benign", Model: "resolver-iforest", Algo: "iforest",
		CandidateID: trained.CandidateID, Datasets: []activities.DatasetRef{{ID: d.ID, Ref: "resolver@1"}}, Split: split, Seed: 1,
		Params: trained.Params, Evaluation: ev})
	if err != nil {
		t.Fatal(err)
	}
	var pub activities.PublishResult
	v.Get(&pub)
	if pub.FeatureFit != artifact.FeatureFitBenignOnly {
		t.Fatalf("publish %+v: want feature_fit %s", pub, artifact.FeatureFitBenignOnly)
	}
	m, err := db.Model(ctx, "resolver-iforest", 1)
	if err != nil {
		t.Fatal(err)
	}
	var man map[string]any
	if err := json.Unmarshal(m.Manifest, &man); err != nil {
		t.Fatal(err)
	}
	if man["feature_fit"] != "benign-only" || man["feature_set"] != "domain" || !strings.Contains(man["threshold_rule"].(string), "adaptive threshold") {
		t.Fatalf("manifest %s", m.Manifest)
	}

	data, sha, err := db.Artifact(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	art, err := artifact.Decode(data, sha)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := artifact.NewScorer(art)
	if err != nil {
		t.Fatal(err)
	}
	mean := func(rs []datasets.Row) float64 {
		names := make([]string, len(rs))
		for i, r := range rs {
			names[i] = r.Name
		}
		scores := make([]float64, len(names))
		sc.Score(names, scores)
		sum := 0.0
		for i, s := range scores {
			if math.IsNaN(s) || math.IsInf(s, 0) {
				t.Fatalf("%s scores %v", names[i], s)
			}
			sum += s
		}
		return sum / float64(len(scores))
	}
	if b, g := mean(rows[:300]), mean(dga[:300]); !(g > b) {
		t.Fatalf("mean score of DGA names %.4f is not above that of benign ones %.4f", g, b)
	}
}
