package e2e

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/api/workflowservice/v1"
)

func listRequest(query string) *workflowservice.ListWorkflowExecutionsRequest {
	return &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default", Query: query}
}

func fmtSscan(s string, a ...any) (int, error) { return fmt.Sscan(s, a...) }

// waitCheckpoint waits until workflow id has saved a training checkpoint
// and returns its progress (trees or epochs), failing with the worker's
// log after 3 minutes.
func (s *stack) waitCheckpoint(id string, w *worker) int {
	s.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	var progress int
	for time.Now().Before(deadline) {
		s.db.Pool().QueryRow(context.Background(), `SELECT COALESCE(MAX(progress), 0) FROM checkpoints WHERE workflow_id = $1 AND kind = 'checkpoint'`, id).Scan(&progress)
		if progress > 0 {
			return progress
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("no mid-training checkpoint of %s appeared\nworker log:\n%s", id, w.log)
	return 0
}

// trained is what `train --wait --json` prints, as the tests read it.
type trained struct {
	Model   string `json:"model"`
	Version int    `json:"version"`
	SHA256  string `json:"sha256"`
	Algo    string `json:"algo"`
	Metrics struct {
		AUCROC float64 `json:"auc_roc"`
		Recall float64 `json:"recall"`
	} `json:"metrics"`
}
