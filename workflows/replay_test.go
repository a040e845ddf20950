package workflows

import (
	"testing"

	"go.temporal.io/sdk/worker"
)

// TestReplayRecordedHistory replays TrainModel, Rollout (gate passed,
// scorers confirmed) and Rollback histories recorded from real runs (make
// demo; `temporal workflow show --output json`). It fails when a change to
// a workflow would break runs already in flight: guard such changes with
// workflow.GetVersion.
func TestReplayRecordedHistory(t *testing.T) {
	for _, file := range []string{"trainmodel-history.json", "rollout-history.json", "rollback-history.json"} {
		r := worker.NewWorkflowReplayer()
		r.RegisterWorkflow(TrainModel)
		r.RegisterWorkflow(Rollout)
		r.RegisterWorkflow(Rollback)
		if err := r.ReplayWorkflowHistoryFromJSONFile(nil, "testdata/"+file); err != nil {
			t.Fatalf("replay %s: %v", file, err)
		}
	}
}
