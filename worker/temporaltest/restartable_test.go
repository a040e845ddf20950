package temporaltest

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/mlctl/mlctl/workflows"
)

// TestRestartableServerKeepsWorkflows: a workflow started before a stop,
// and before a kill, is still there and running after the next start, on
// the same address, through the same client, with the search attributes
// still registered.
func TestRestartableServerKeepsWorkflows(t *testing.T) {
	srv := StartRestartable(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := srv.Client()
	// No worker serves this queue: the workflow stays running.
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "survivor", TaskQueue: "nobody"}, "Nothing")
	if err != nil {
		t.Fatal(err)
	}
	addr := srv.HostPort()
	for _, restart := range []struct {
		name string
		stop func()
	}{{"stop", srv.Stop}, {"kill", srv.Kill}} {
		began := time.Now()
		restart.stop()
		down := time.Since(began)
		srv.Start()
		t.Logf("%s took %s, start again %s", restart.name, down.Round(time.Millisecond), (time.Since(began) - down).Round(time.Millisecond))
		if srv.HostPort() != addr {
			t.Fatalf("address %s after a %s, want %s", srv.HostPort(), restart.name, addr)
		}
		d, err := c.DescribeWorkflowExecution(ctx, "survivor", run.GetRunID())
		if err != nil {
			t.Fatalf("after a %s and a start: %v", restart.name, err)
		}
		if st := d.WorkflowExecutionInfo.Status.String(); st != "Running" {
			t.Fatalf("after a %s and a start the workflow is %s, want Running", restart.name, st)
		}
	}
	sa, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{workflows.SearchModel, workflows.SearchAlgo, workflows.SearchDataset, workflows.SearchAlias} {
		if _, ok := sa.CustomAttributes[name]; !ok {
			t.Fatalf("search attribute %s missing after restarts (have %v)", name, sa.CustomAttributes)
		}
	}
}
