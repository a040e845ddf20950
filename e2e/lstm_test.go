package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/mlctl/mlctl/workflows"
)

// TestLSTMResumesAfterKillAndServes: `--algo lstm` trains on domain names
// in TrainModel with a checkpoint after every epoch; a worker killed after
// a checkpoint is replaced, training resumes after that epoch, exactly one
// version is published, and its bytes equal an uninterrupted run's. The
// model then scores offline and through `mlctl serve`.
func TestLSTMResumesAfterKillAndServes(t *testing.T) {
	s := newStack(t)
	corpus := filepath.Join(s.dir, "demo.csv")
	s.run("dataset", "generate", "--rows", "20000", "--seed", "5", "-o", corpus)
	s.run("dataset", "ingest", "demo", "--kind", "dga", "--file", corpus)
	in := workflows.TrainModelInput{
		Model: "killed-lstm", Datasets: []string{"demo"}, Algo: "lstm", Seed: 4,
		Params:                map[string]string{"epochs": "4", "patience": "0", "hidden": "32", "embed": "16"},
		TrainHeartbeatTimeout: 4 * time.Second,
	}
	ctx := context.Background()
	w1 := s.startWorker()
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "train-killed-lstm", TaskQueue: workflows.ControlQueue}, workflows.TrainModel, in)
	if err != nil {
		t.Fatal(err)
	}
	epoch := s.waitCheckpoint("train-killed-lstm", w1)
	if epoch >= 4 {
		t.Fatalf("no mid-training checkpoint appeared (epoch %d)\nworker log:\n%s", epoch, w1.log)
	}
	w1.kill()
	t.Logf("killed the worker after the checkpoint of epoch %d", epoch)
	s.startWorker()
	gctx, cancel := context.WithTimeout(ctx, 8*time.Minute)
	defer cancel()
	var res workflows.TrainModelResult
	if err := run.Get(gctx, &res); err != nil {
		t.Fatalf("workflow after the kill: %v", err)
	}
	if res.ResumedFrom < epoch || res.Trees != 4 {
		t.Fatalf("resumed after epoch %d with %d epochs, want at least %d and 4", res.ResumedFrom, res.Trees, epoch)
	}
	var versions int
	s.db.Pool().QueryRow(ctx, `SELECT count(*) FROM models WHERE name = 'killed-lstm'`).Scan(&versions)
	if versions != 1 || res.Metrics.AUCROC < 0.95 {
		t.Fatalf("%d versions, ROC-AUC %.4f", versions, res.Metrics.AUCROC)
	}
	in.Model = "uninterrupted-lstm"
	run2, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "train-uninterrupted-lstm", TaskQueue: workflows.ControlQueue}, workflows.TrainModel, in)
	if err != nil {
		t.Fatal(err)
	}
	var res2 workflows.TrainModelResult
	if err := run2.Get(gctx, &res2); err != nil {
		t.Fatal(err)
	}
	if res2.SHA256 != res.SHA256 {
		t.Fatalf("resumed model sha256 %s differs from the uninterrupted run's %s", res.SHA256, res2.SHA256)
	}

	names := s.writeFile("names.txt", "www.google.com\nxkqwjzprtmvbnd.net\n")
	out := s.run("score", "--model", "killed-lstm@1", "--file", names, "--json")
	if strings.Count(out, `"model":"killed-lstm"`) != 2 {
		t.Fatalf("score:\n%s", out)
	}
	s.run("promote", "killed-lstm@1", "--alias", "lstm", "--wait")
	addr := freeAddr(t)
	sc := s.startScorer(addr, "--alias", "lstm")
	sc.waitVersion(1, 20*time.Second)
	if code, body := post(t, addr, `{"names":["www.google.com","xkqwjzprtmvbnd.net"]}`); code != 200 || strings.Count(body, `"score":`) != 2 {
		t.Fatalf("POST names to an lstm model: %d %s", code, body)
	}
	sc.stop()
}
