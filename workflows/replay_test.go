package workflows

import (
	"testing"

	"go.temporal.io/sdk/worker"
)

// TestReplayRecordedHistory replays a TrainModel history recorded from a real
// run (make demo; `temporal workflow show --output json`). It fails when a
// change to TrainModel would break runs already in flight: guard such
// changes with workflow.GetVersion.
func TestReplayRecordedHistory(t *testing.T) {
	r := worker.NewWorkflowReplayer()
	r.RegisterWorkflow(TrainModel)
	if err := r.ReplayWorkflowHistoryFromJSONFile(nil, "testdata/trainmodel-history.json"); err != nil {
		t.Fatalf("replay: %v", err)
	}
}
