package workflows

import (
	"os"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// TestReplayRecordedHistory replays TrainModel, Rollout (gate passed,
// scorers confirmed), Rollback, Retrain (shadowed, then promoted) and
// Tune (6 trials, 3 pruned by successive halving, the best retrained)
// histories recorded from real runs (make demo; `temporal workflow show
// --output json`). It fails when a change to a workflow would break runs
// already in flight: guard such changes with workflow.GetVersion.
func TestReplayRecordedHistory(t *testing.T) {
	for _, c := range []struct {
		file string
		// id is the recorded run's workflow ID, for workflows whose
		// commands depend on it (Retrain names its children after it).
		id string
	}{
		{file: "trainmodel-history.json"},
		{file: "rollout-history.json"},
		{file: "rollback-history.json"},
		{file: "retrain-history.json", id: "retrain-demo-nightly-2026-11-23T12:08:47Z"},
		{file: "tune-history.json", id: "tune-t-replay-20261207T192929.903Z"},
	} {
		r := worker.NewWorkflowReplayer()
		r.RegisterWorkflow(TrainModel)
		r.RegisterWorkflow(Rollout)
		r.RegisterWorkflow(Rollback)
		r.RegisterWorkflow(Retrain)
		r.RegisterWorkflow(Tune)
		f, err := os.Open("testdata/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		h, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		opts := worker.ReplayWorkflowHistoryOptions{}
		if c.id != "" {
			opts.OriginalExecution = workflow.Execution{ID: c.id}
		}
		if err := r.ReplayWorkflowHistoryWithOptions(nil, h, opts); err != nil {
			t.Fatalf("replay %s: %v", c.file, err)
		}
	}
}
