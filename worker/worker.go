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
	return newWorker(c, queue, acts, nil)
}

// newWorker is New with onFatal called when the worker stops itself on an
// error it does not retry (the namespace gone, say, after a Temporal
// server without persistence was restarted).
func newWorker(c client.Client, queue string, acts *activities.Activities, onFatal func(error)) (sdkworker.Worker, error) {
	opts := sdkworker.Options{OnFatalError: onFatal}
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
		w.RegisterWorkflow(workflows.Tune)
	}
	w.RegisterActivity(acts)
	return w, nil
}

// Run serves the given task queues until ctx ends, running mlctl's
// activities on the registry db and the Temporal client c (which long
// activities signal progress through and drift checks trigger retrain
// schedules with); webhookSecret signs retrain webhooks. Workers ride out
// a Temporal server that is down or restarting (they poll again); if one
// stops itself on an error it does not retry (the SDK gives up after two
// minutes of, say, "namespace not found"), Run stops the others and
// returns that error, so the process exits and its supervisor restarts it
// rather than leaving it running with nothing polling.
func Run(ctx context.Context, c client.Client, queues []string, db *registry.DB, webhookSecret []byte) error {
	return Serve(ctx, c, queues, &activities.Activities{DB: db, Client: c, WebhookSecret: webhookSecret})
}

// Serve is Run with the activities given: their registry, client,
// webhook secret and metrics.
func Serve(ctx context.Context, c client.Client, queues []string, acts *activities.Activities) error {
	fatal := make(chan error, len(queues))
	var ws []sdkworker.Worker
	for _, q := range queues {
		w, err := newWorker(c, q, acts, func(err error) {
			fatal <- fmt.Errorf("the worker on task queue %s stopped: %w", q, err)
		})
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
	var err error
	select {
	case <-ctx.Done():
	case err = <-fatal:
	}
	for _, w := range ws {
		w.Stop()
	}
	return err
}
