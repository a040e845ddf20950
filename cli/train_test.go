package cli

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// healthClient is a Temporal client whose health check gives err; nothing
// else of it is called.
type healthClient struct {
	client.Client
	err error
}

func (h healthClient) CheckHealth(context.Context, *client.CheckHealthRequest) (*client.CheckHealthResponse, error) {
	return &client.CheckHealthResponse{}, h.err
}

// TestWaitingLineTellsTemporalFromWorker: `train --wait` said "waiting for
// a worker" when Temporal itself was down; it says which is missing.
func TestWaitingLineTellsTemporalFromWorker(t *testing.T) {
	ctx := context.Background()
	deadline := context.DeadlineExceeded
	cases := []struct {
		tc       client.Client
		queryErr error
		want     string
	}{
		{healthClient{err: errors.New("connection refused")}, deadline, "Temporal at 127.0.0.1:7233 is unreachable"},
		{healthClient{}, serviceerror.NewUnavailable("connection refused"), "Temporal at 127.0.0.1:7233 is unreachable"},
		{healthClient{}, deadline, "waiting for a worker"},
	}
	for _, c := range cases {
		if got := waitingLine(ctx, c.tc, "127.0.0.1:7233", c.queryErr); !strings.HasPrefix(got, c.want) {
			t.Errorf("query error %v, health %v: %q; want %q", c.queryErr, c.tc.(healthClient).err, got, c.want)
		}
	}
}
