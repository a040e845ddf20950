// Package worker wires mlctl's workflows and activities into Temporal
// workers: one per task queue, training apart from control.
package worker

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/workflows"
)

// Queues lists every task queue a worker serves by default.
func Queues() []string { return []string{workflows.ControlQueue, workflows.TrainingQueue} }

// New creates (but does not start) a worker for one task queue.
func New(c client.Client, queue string, acts *activities.Activities) (sdkworker.Worker, error) {
	opts := sdkworker.Options{}
	switch queue {
	case workflows.TrainingQueue:
		// Training is CPU-bound and uses every core: one at a time.
		opts.MaxConcurrentActivityExecutionSize = 1
	case workflows.ControlQueue:
	default:
		return nil, fmt.Errorf("unknown task queue %q (have %v)", queue, Queues())
	}
	w := sdkworker.New(c, queue, opts)
	if queue == workflows.ControlQueue {
		w.RegisterWorkflow(workflows.TrainModel)
		w.RegisterWorkflow(workflows.Rollout)
		w.RegisterWorkflow(workflows.Rollback)
		w.RegisterWorkflow(workflows.Retrain)
		w.RegisterWorkflow(workflows.DriftCheck)
	}
	w.RegisterActivity(acts)
	return w, nil
}

// Run serves the given task queues until ctx ends, running mlctl's
// activities on the registry db and the Temporal client c (which long
// activities signal progress through and drift checks trigger retrain
// schedules with); webhookSecret signs retrain webhooks.
func Run(ctx context.Context, c client.Client, queues []string, db *registry.DB, webhookSecret []byte) error {
	acts := &activities.Activities{DB: db, Client: c, WebhookSecret: webhookSecret}
	var ws []sdkworker.Worker
	for _, q := range queues {
		w, err := New(c, q, acts)
		if err != nil {
			return err
		}
		if err := w.Start(); err != nil {
			for _, s := range ws {
				s.Stop()
			}
			return fmt.Errorf("start worker on %s: %w", q, err)
		}
		ws = append(ws, w)
	}
	<-ctx.Done()
	for _, w := range ws {
		w.Stop()
	}
	return nil
}
