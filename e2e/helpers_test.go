package e2e

import (
	"fmt"

	"go.temporal.io/api/workflowservice/v1"
)

func listRequest(query string) *workflowservice.ListWorkflowExecutionsRequest {
	return &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default", Query: query}
}

func fmtSscan(s string, a ...any) (int, error) { return fmt.Sscan(s, a...) }
