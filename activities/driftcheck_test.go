package activities_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/driftcheck"
	"github.com/mlctl/mlctl/published"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// driftEnv is a registry with one dataset and the activities to run on it.
type driftEnv struct {
	ctx  context.Context
	db   *registry.DB
	env  *testsuite.TestActivityEnvironment
	acts *activities.Activities
	refs []activities.DatasetRef
}

func newDriftEnv(t *testing.T, d registry.NewDataset) *driftEnv {
	t.Helper()
	e := &driftEnv{ctx: context.Background(), db: registrytest.Open(t)}
	if _, _, err := e.db.CreateDataset(e.ctx, d); err != nil {
		t.Fatal(err)
	}
	var s testsuite.WorkflowTestSuite
	e.env = s.NewTestActivityEnvironment()
	e.acts = &activities.Activities{DB: e.db}
	e.env.RegisterActivity(e.acts)
	v, err := e.env.ExecuteActivity(e.acts.ResolveDatasets, []string{d.Name})
	if err != nil {
		t.Fatal(err)
	}
	v.Get(&e.refs)
	return e
}

// publishAs splits, trains, evaluates and publishes model with algo, and
// points alias at it; it returns the model's scorer, which computes the
// features its scorers sample.
func (e *driftEnv) publishAs(t *testing.T, model, algo, alias string, params map[string]string) *artifact.Scorer {
	t.Helper()
	ids := []int64{e.refs[0].ID}
	var split activities.SplitResult
	v, err := e.env.ExecuteActivity(e.acts.SplitDatasets, activities.SplitInput{DatasetIDs: ids, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	v.Get(&split)
	wf := "wf-" + model
	var trained activities.TrainResult
	if v, err = e.env.ExecuteActivity(e.acts.Train, activities.TrainInput{WorkflowID: wf, DatasetIDs: ids, SplitID: split.SplitID, Algo: algo, Params: params, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	v.Get(&trained)
	var ev activities.EvaluateResult
	if v, err = e.env.ExecuteActivity(e.acts.Evaluate, activities.EvaluateInput{CandidateID: trained.CandidateID, DatasetIDs: ids, SplitID: split.SplitID}); err != nil {
		t.Fatal(err)
	}
	v.Get(&ev)
	var pub activities.PublishResult
	if v, err = e.env.ExecuteActivity(e.acts.Publish, activities.PublishInput{WorkflowID: wf, Model: model, Algo: algo, CandidateID: trained.CandidateID,
		Datasets: e.refs, Split: split, Seed: 1, Params: trained.Params, Evaluation: ev}); err != nil {
		t.Fatal(err)
	}
	v.Get(&pub)
	if _, err := e.db.SetAlias(e.ctx, registry.MoveAlias{Alias: alias, ModelID: pub.ModelID, Action: mlctl.ActionPromote,
		Reason: "drift test", WorkflowID: wf, By: "test"}); err != nil {
		t.Fatal(err)
	}
	m, err := e.db.ModelByID(e.ctx, pub.ModelID)
	if err != nil {
		t.Fatal(err)
	}
	l, err := published.Load(e.ctx, e.db, m)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := artifact.NewScorer(l.Artifact)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func (e *driftEnv) check(t *testing.T, in driftcheck.LiveInput) (driftcheck.LiveResult, error) {
	t.Helper()
	v, err := e.env.ExecuteActivity(e.acts.CheckLiveDrift, in)
	if err != nil {
		return driftcheck.LiveResult{}, err
	}
	var res driftcheck.LiveResult
	if err := v.Get(&res); err != nil {
		t.Fatal(err)
	}
	return res, nil
}

func (e *driftEnv) mustCheck(t *testing.T, in driftcheck.LiveInput) driftcheck.LiveResult {
	t.Helper()
	res, err := e.check(t, in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (e *driftEnv) save(t *testing.T, modelID int64, scorer string, columns []string, rows [][]float64) {
	t.Helper()
	if err := e.db.SaveLiveSample(e.ctx, registry.LiveSample{ModelID: modelID, ScorerID: scorer, Columns: columns, Rows: rows, Seen: int64(len(rows))}); err != nil {
		t.Fatal(err)
	}
}

// featuresOf is what a scorer samples: the features of each name, as
// Scorer.Features computes them (float64).
func featuresOf(sc *artifact.Scorer, names []string) [][]float64 {
	rows := make([][]float64, len(names))
	for i, n := range names {
		rows[i] = make([]float64, len(sc.Names()))
		sc.Features(n, rows[i])
	}
	return rows
}

// reversed returns the rows with their columns in reverse order.
func reversed(columns []string, rows [][]float64) ([]string, [][]float64) {
	cols := slices.Clone(columns)
	slices.Reverse(cols)
	out := make([][]float64, len(rows))
	for i, r := range rows {
		out[i] = slices.Clone(r)
		slices.Reverse(out[i])
	}
	return cols, out
}

// randomNames are long random base32 labels: nothing like the demo data.
func randomNames(rng *rand.Rand, n int) []string {
	const base32 = "abcdefghijklmnopqrstuvwxyz234567"
	out := make([]string, n)
	for i := range out {
		b := make([]byte, 40)
		for j := range b {
			b[j] = base32[rng.IntN(len(base32))]
		}
		out[i] = string(b) + ".net"
	}
	return out
}

func benignOf(rows []datasets.Row) []datasets.Row {
	return driftcheck.BaselineRows(rows, driftcheck.BaselineBenign)
}

func namesOf(rows []datasets.Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Name
	}
	return out
}

func wantNonRetryable(t *testing.T, err error, contains string) {
	t.Helper()
	var app *temporal.ApplicationError
	if err == nil || !errors.As(err, &app) || !app.NonRetryable() || !strings.Contains(err.Error(), contains) {
		t.Fatalf("error %v; want a non-retryable one containing %q", err, contains)
	}
}

// TestCheckLiveDriftOfNames: a dga model's live samples, from two scorers
// (one with its columns in another order), are checked against its
// benign training rows: benign names like them do not drift, long random
// labels do, as does the training mix of both classes (which does not
// against all the training rows), too few rows are not checked, and each
// check that ran is recorded with source "live".
func TestCheckLiveDriftOfNames(t *testing.T) {
	rows := datasets.GenerateDemo(21, 3000)
	e := newDriftEnv(t, registry.NewDataset{Name: "demo", Kind: "dga", SHA256: datasets.Hash(rows), Rows: rows})
	sc := e.publishAs(t, "dga", "gbdt", "production", map[string]string{"rounds": "10", "max_depth": "3"})
	al, err := e.db.GetAlias(e.ctx, "production")
	if err != nil {
		t.Fatal(err)
	}
	id := al.Model.ID
	in := driftcheck.LiveInput{Alias: "production"}

	res := e.mustCheck(t, in)
	if res.Drifted || res.ReportID != 0 || res.LiveRows != 0 || !strings.Contains(res.Reason, "no scorer of alias production recorded a live sample in the last 1h") {
		t.Fatalf("no samples: %+v", res)
	}

	// Live traffic is benign names like the benign training rows.
	like := namesOf(benignOf(datasets.GenerateDemo(99, 6000)))[:2400]
	e.save(t, id, "scorer-a", sc.Names(), featuresOf(sc, like[:50]))
	res = e.mustCheck(t, in)
	if res.Drifted || res.ReportID != 0 || res.LiveRows != 50 ||
		res.Reason != "dga@1: not enough live rows: 50 from 1 scorer in the last 1h, fewer than the 200 a drift check needs; not checked" {
		t.Fatalf("50 rows: %+v", res)
	}
	if _, err := e.db.LatestDrift(e.ctx, id); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("a check of too few rows was recorded: %v", err)
	}

	e.save(t, id, "scorer-a", sc.Names(), featuresOf(sc, like[:1200]))
	cols, rev := reversed(sc.Names(), featuresOf(sc, like[1200:]))
	e.save(t, id, "scorer-b", cols, rev)
	res = e.mustCheck(t, in)
	t.Logf("like the training data: %s", res.Reason)
	if res.Drifted || res.ReportID == 0 || res.LiveRows != 2400 || !slices.Equal(res.Scorers, []string{"scorer-a", "scorer-b"}) ||
		res.Model != "dga@1" || res.ModelID != id || res.Threshold != 0.30 || res.Tested != len(sc.Names()) || res.MaxPSI >= 0.25 ||
		!strings.Contains(res.Reason, "below 30%") || !strings.Contains(res.Reason, "2400 live rows from 2 scorers in the last 1h") {
		t.Fatalf("names like the training data: %+v", res)
	}
	if len(res.TopFeatures) != 5 || res.TopFeatures[0].D < res.TopFeatures[4].D {
		t.Fatalf("top features %+v", res.TopFeatures)
	}
	rep, err := e.db.LatestDrift(e.ctx, id)
	if err != nil || rep.ID != res.ReportID || rep.Source != "live" || rep.Drifted || rep.SampleRows != 2400 {
		t.Fatalf("recorded %+v %v", rep, err)
	}

	rng := rand.New(rand.NewPCG(5, 6))
	e.save(t, id, "scorer-a", sc.Names(), featuresOf(sc, randomNames(rng, 600)))
	e.save(t, id, "scorer-b", sc.Names(), featuresOf(sc, randomNames(rng, 600)))
	res = e.mustCheck(t, in)
	t.Logf("random base32 labels: %s", res.Reason)
	if !res.Drifted || res.DriftedShare <= 0.30 || res.MaxPSI <= 0.25 || res.LiveRows != 1200 ||
		!strings.HasPrefix(res.Reason, fmt.Sprintf("dga@1: %d of %d features drifted", res.DriftedFeatures, res.Tested)) ||
		!strings.Contains(res.Reason, "above 30%") || !strings.Contains(res.Reason, ", major)") {
		t.Fatalf("random labels: %+v", res)
	}
	if rep, err = e.db.LatestDrift(e.ctx, id); err != nil || rep.ID != res.ReportID || rep.Source != "live" || !rep.Drifted {
		t.Fatalf("recorded %+v %v", rep, err)
	}
	// Traffic of both classes in the training mix: no drift against all
	// the training rows, drift against the benign ones.
	mix := namesOf(datasets.GenerateDemo(98, 1200))
	e.save(t, id, "scorer-a", sc.Names(), featuresOf(sc, mix[:600]))
	e.save(t, id, "scorer-b", sc.Names(), featuresOf(sc, mix[600:]))
	if res = e.mustCheck(t, driftcheck.LiveInput{Alias: "production", Baseline: driftcheck.BaselineAll}); res.Drifted {
		t.Fatalf("the training mix against all training rows: %+v", res)
	}
	if res = e.mustCheck(t, in); !res.Drifted {
		t.Fatalf("the training mix against the benign training rows: %+v", res)
	}
	// A stricter threshold, from the input: the same rows, and a verdict
	// against it.
	if res = e.mustCheck(t, driftcheck.LiveInput{Alias: "production", Threshold: 0.99, MinRows: 1000, Window: 30 * time.Minute}); res.Drifted ||
		res.Threshold != 0.99 || !strings.Contains(res.Reason, "below 99%") || !strings.Contains(res.Reason, "in the last 30m") {
		t.Fatalf("threshold 0.99: %+v", res)
	}

	if res = e.mustCheck(t, driftcheck.LiveInput{Alias: "staging"}); res.Drifted || res.Reason != "alias staging is not set: no model in service to check" {
		t.Fatalf("unset alias: %+v", res)
	}
	e.save(t, id, "scorer-c", []string{"length"}, [][]float64{{3}})
	_, err = e.check(t, in)
	wantNonRetryable(t, err, "live sample of dga@1 from scorer scorer-c: input lacks")
}

// TestCheckLiveDriftOfVectors: a tabular model's live vectors, recorded
// with an extra column and in another order, are matched to its columns by
// name; benign vectors like the benign training rows do not drift, moved
// ones do.
func TestCheckLiveDriftOfVectors(t *testing.T) {
	cols := []string{"bytes", "packets", "duration"}
	rng := rand.New(rand.NewPCG(7, 8))
	vector := func(label int, scale float64) []float64 {
		bytes := (1000 + 4000*float64(label) + 500*rng.NormFloat64()) * scale
		return []float64{bytes, float64(rng.IntN(20) + 10*label), rng.ExpFloat64() * scale}
	}
	var vecs []datasets.VectorRow
	for i := range 2000 {
		vecs = append(vecs, datasets.VectorRow{Key: fmt.Sprintf("k%05d", i), Label: i % 2, Values: vector(i%2, 1)})
	}
	e := newDriftEnv(t, registry.NewDataset{Name: "tab", Kind: "tabular", SHA256: datasets.VectorHash(cols, vecs), Columns: cols, Vectors: vecs})
	sc := e.publishAs(t, "tab", "gbdt", "tab-live", map[string]string{"rounds": "5", "max_depth": "3"})
	if !sc.TakesVectors() {
		t.Fatal("the tabular model does not take vectors")
	}
	al, err := e.db.GetAlias(e.ctx, "tab-live")
	if err != nil {
		t.Fatal(err)
	}
	// Live columns: another order and one the model does not read.
	live := []string{"duration", "extra", "packets", "bytes"}
	sample := func(scale float64) [][]float64 {
		rows := make([][]float64, 1000)
		for i := range rows {
			v := vector(0, scale) // live traffic: benign
			rows[i] = []float64{v[2], 42, v[1], v[0]}
		}
		return rows
	}
	e.save(t, al.Model.ID, "scorer-a", live, sample(1))
	// With three features, one false positive at alpha 0.05 (a 14% chance)
	// would pass the bot detector's 30%: ask for more than half.
	in := driftcheck.LiveInput{Alias: "tab-live", Threshold: 0.5}
	res := e.mustCheck(t, in)
	if res.Drifted || res.ReportID == 0 || res.Tested != 3 || res.MaxPSI >= 0.1 {
		t.Fatalf("same distribution: %+v", res)
	}
	e.save(t, al.Model.ID, "scorer-a", live, sample(3))
	res = e.mustCheck(t, in)
	t.Logf("moved vectors: %s", res.Reason)
	if !res.Drifted || res.DriftedFeatures != 2 || res.MaxPSI <= 0.25 || res.TopFeatures[0].Name == "packets" {
		t.Fatalf("bytes and duration tripled: %+v", res)
	}
}

// TestCheckLiveDriftRefusesAnLSTM: an LSTM reads token sequences, so its
// scorers have no feature samples; checking it is a non-retryable error
// that says so.
func TestCheckLiveDriftRefusesAnLSTM(t *testing.T) {
	rows := datasets.GenerateDemo(22, 600)
	e := newDriftEnv(t, registry.NewDataset{Name: "demo", Kind: "dga", SHA256: datasets.Hash(rows), Rows: rows})
	e.publishAs(t, "seq", "lstm", "seq-live", map[string]string{"epochs": "1", "embed": "8", "hidden": "8"})
	_, err := e.check(t, driftcheck.LiveInput{Alias: "seq-live"})
	wantNonRetryable(t, err, "alias seq-live serves seq@1 (lstm), which reads token sequences, not named features")
}
