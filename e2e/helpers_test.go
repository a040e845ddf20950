package e2e

import (
	"fmt"

	"go.temporal.io/api/workflowservice/v1"
)

func listRequest(query string) *workflowservice.ListWorkflowExecutionsRequest {
	return &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default", Query: query}
}

func fmtSscan(s string, a ...any) (int, error) { return fmt.Sscan(s, a...) }

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
