package e2e

import (
	"context"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/mlctl/mlctl/workflows"
)

// killAndResume starts TrainModel as workflow "train-"+in.Model, kills the
// worker (SIGKILL) once a checkpoint of less than total progress exists,
// starts another, and waits for the run. It checks exactly one version was
// published and that an uninterrupted run of the same input (model
// "uninterrupted-"+in.Model) gives the same SHA-256, and returns the
// resumed run's result and the checkpoint's progress.
func (s *stack) killAndResume(in workflows.TrainModelInput, total int) (workflows.TrainModelResult, int) {
	t := s.t
	t.Helper()
	ctx := context.Background()
	w1 := s.startWorker()
	id := "train-" + in.Model
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.ControlQueue}, workflows.TrainModel, in)
	if err != nil {
		t.Fatal(err)
	}
	progress := s.waitCheckpoint(id, w1)
	if progress >= total {
		t.Fatalf("no mid-training checkpoint appeared (progress %d of %d)\nworker log:\n%s", progress, total, w1.log)
	}
	w1.kill()
	t.Logf("killed the worker after a checkpoint at %d of %d", progress, total)
	s.startWorker()
	gctx, cancel := context.WithTimeout(ctx, 8*time.Minute)
	defer cancel()
	var res workflows.TrainModelResult
	if err := run.Get(gctx, &res); err != nil {
		t.Fatalf("workflow after the kill: %v", err)
	}
	var versions int
	s.db.Pool().QueryRow(ctx, `SELECT count(*) FROM models WHERE name = $1`, in.Model).Scan(&versions)
	if versions != 1 || res.Version != 1 {
		t.Fatalf("%d model versions (result version %d), want exactly 1", versions, res.Version)
	}
	// Same inputs and seed without the kill: identical bytes.
	again := in
	again.Model = "uninterrupted-" + in.Model
	run2, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "train-" + again.Model, TaskQueue: workflows.ControlQueue}, workflows.TrainModel, again)
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
	return res, progress
}
