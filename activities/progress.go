package activities

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/mlctl/mlctl/training"
)

// progress signals the workflow at most once a second (and always at the end).
func (a *Activities) progress(ctx context.Context, p training.Progress) {
	if a.Client == nil {
		return
	}
	info := activity.GetInfo(ctx)
	key := info.WorkflowExecution.ID
	progressMu.Lock()
	lastAt := progressLast[key]
	final := p.Total > 0 && p.Done == p.Total
	if !final && time.Since(lastAt) < time.Second && p.Stage == "trees" {
		progressMu.Unlock()
		return
	}
	if final {
		delete(progressLast, key)
	} else {
		progressLast[key] = time.Now()
	}
	progressMu.Unlock()
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := a.Client.SignalWorkflow(sctx, key, info.WorkflowExecution.RunID, ProgressSignal, p); err != nil {
		activity.GetLogger(ctx).Debug("progress signal failed", "error", err)
	}
}

var (
	progressMu   sync.Mutex
	progressLast = map[string]time.Time{}
)
