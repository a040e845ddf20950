package e2e

import (
	"context"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/ingest"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/workflows"
)

// TestInjectedDriftStartsRetrain: the scorer keeps a sample of the feature
// vectors it scores; live traffic unlike the training data (long random
// labels) makes the schedule's drift check find most features drifted,
// record the report (KS and PSI per feature) and start the schedule's
// retrain, which decides.
func TestInjectedDriftStartsRetrain(t *testing.T) {
	s := newStack(t)
	w := s.startWorker()
	s.weakChampion("prod")
	addr := freeAddr(t)
	s.startScorer(addr, "--alias", "prod", "--drift-sample", "500", "--sample-flush", "300ms").waitVersion(1, 20*time.Second)
	feed := s.newFeed(2000)
	s.run("schedule", "create", "drifty", "--dataset", "dga", "--model", "dga-gbdt", "--new-data", feed, "--alias", "prod",
		"--promote-if-better", "--param", "rounds=20", "--every", "24h", "--drift-every", "1h", "--drift-min-rows", "300")

	// Inject drift: 400 names of long random base32 labels.
	rng := rand.New(rand.NewPCG(7, 7))
	var body strings.Builder
	body.WriteString(`{"names":[`)
	for i := range 400 {
		var b [24]byte
		for j := 0; j < len(b); j += 8 {
			binary.LittleEndian.PutUint64(b[j:], rng.Uint64())
		}
		if i > 0 {
			body.WriteString(",")
		}
		fmt.Fprintf(&body, "%q", strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))+".tunnel.example.net")
	}
	body.WriteString("]}")
	resp, err := httpClient.Post("http://"+addr+"/v1/score", "application/json", strings.NewReader(body.String()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST /v1/score: %s", resp.Status)
	}
	ctx := context.Background()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var rows int
		s.db.Pool().QueryRow(ctx, `SELECT COALESCE(SUM(rows), 0) FROM live_samples`).Scan(&rows)
		if rows >= 400 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the scorer recorded %d sampled rows, want 400", rows)
		}
		time.Sleep(100 * time.Millisecond)
	}

	s.run("schedule", "trigger", "drifty", "--drift")
	d := s.waitDecision("drifty", 1, 3*time.Minute, w)
	var report registry.DriftReport
	var raw []byte
	err = s.db.Pool().QueryRow(ctx, `SELECT drifted, drifted_share, source, workflow_id, report FROM drift_reports ORDER BY id DESC LIMIT 1`).
		Scan(&report.Drifted, &report.DriftedShare, &report.Source, &report.WorkflowID, &raw)
	if err != nil || !report.Drifted || report.DriftedShare <= 0.30 || report.Source != "live" || !strings.HasPrefix(report.WorkflowID, "drift-drifty") {
		t.Fatalf("drift report %+v %v", report, err)
	}
	if !strings.Contains(string(raw), `"psi"`) {
		t.Fatalf("the report has no PSI: %s", raw)
	}
	if out := s.run("models", "show", "dga-gbdt@1"); !strings.Contains(out, "DRIFTED") || !strings.Contains(out, "rows sampled by its scorers, drift-drifty") {
		t.Fatalf("models show does not report the live drift check:\n%s", out)
	}
	if d.Outcome != mlctl.OutcomePromoted {
		t.Fatalf("the retrain the drift started decided %+v", d)
	}
	var v struct {
		Drift *struct {
			Runs int `json:"runs"`
		} `json:"drift"`
	}
	mustJSON(t, s.run("schedule", "describe", "drifty", "--json"), &v)
	if v.Drift == nil || v.Drift.Runs != 1 {
		t.Fatalf("describe: drift %+v", v.Drift)
	}
	s.run("schedule", "delete", "drifty")
	if _, _, err := s.try("schedule", "trigger", "drifty", "--drift"); exitCode(err) != 3 {
		t.Fatalf("the drift check outlived its schedule: %v", err)
	}
}

// TestRetrainSurvivesKilledWorker: a Retrain whose worker is killed while
// its challenger trains completes on another worker, once: one new model
// version, one new dataset version, each new file in the watermark once,
// and one decision.
func TestRetrainSurvivesKilledWorker(t *testing.T) {
	s := newStack(t)
	w1 := s.startWorker()
	s.weakChampion("prod")
	feed := s.newFeed(20000)
	in := workflows.RetrainInput{
		Schedule: "killed", Alias: "prod", PromoteIfBetter: true,
		NewData: ingest.Feed{Dataset: "dga", Kind: "dga", Sources: []string{feed}},
		Train: workflows.TrainModelInput{Model: "dga-gbdt", Algo: "gbdt", Seed: 9,
			Params:                map[string]string{"rounds": "1500", "max_depth": "8", "eta": "0.02", "max_bin": "256"},
			TrainHeartbeatTimeout: 4 * time.Second, CheckpointEvery: 500 * time.Millisecond},
	}
	id := "retrain-killed-1"
	run, err := s.client.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: id, TaskQueue: workflows.ControlQueue}, workflows.Retrain, in)
	if err != nil {
		t.Fatal(err)
	}
	progress := s.waitCheckpoint("train-dga-gbdt-for-"+id, w1)
	w1.kill()
	t.Logf("killed the worker after a checkpoint at tree %d", progress)
	w2 := s.startWorker()
	gctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	var res workflows.RetrainResult
	got := make(chan error, 1)
	go func() { got <- run.Get(gctx, &res) }()
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("Retrain after the kill: %v\nworker log:\n%s", err, w2.log.String())
		}
	case <-w2.done:
		t.Fatalf("the second worker exited (%v):\n%s", w2.cmd.ProcessState, w2.log.String())
	}
	if res.Decision.Outcome != mlctl.OutcomePromoted || res.Train.ResumedFrom == 0 {
		t.Fatalf("result: outcome %s, resumed from %d", res.Decision.Outcome, res.Train.ResumedFrom)
	}
	ctx := context.Background()
	count := func(q string) int {
		var n int
		if err := s.db.Pool().QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM models WHERE name = 'dga-gbdt'`); n != 2 {
		t.Fatalf("%d versions of dga-gbdt, want 2 (the champion and one challenger)", n)
	}
	if n := count(`SELECT count(*) FROM datasets WHERE name = 'dga'`); n != 2 {
		t.Fatalf("%d versions of dataset dga, want 2", n)
	}
	if n := count(`SELECT count(*) FROM ingested_files`); n != 1 {
		t.Fatalf("%d watermark rows, want 1", n)
	}
	if n := count(`SELECT count(*) FROM retrain_decisions`); n != 1 {
		t.Fatalf("%d decisions, want 1", n)
	}
	if got := s.aliasModel("prod"); got != "dga-gbdt@2" {
		t.Fatalf("prod serves %s", got)
	}
}
