// Package activities holds mlctl's Temporal activities: methods on structs
// that carry their dependencies (the registry, a Temporal client). Long work
// heartbeats; bad data is a non-retryable error.
package activities

import (
	"context"

	"github.com/mlctl/mlctl"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/mlctl/mlctl/registry"
)

// Activities is the set of activities mlctl's workflows run.
type Activities struct {
	DB *registry.DB
	// Client, when set, lets long activities signal progress to their
	// workflow, and drift checks trigger retrain schedules.
	Client client.Client
	// WebhookSecret signs retrain webhooks (read from
	// webhook.SecretEnv where the worker runs).
	WebhookSecret []byte
	// Metrics, when set, counts trainings, ingests and evaluations.
	Metrics *Metrics

	// tune keeps tuning runs' folds and fold models between activities.
	tune tuneCache
}

// nonRetryable marks errors caused by bad input (missing dataset, one-class
// data, corrupt artifact) so Temporal does not retry them.
func nonRetryable(err error) error {
	if err == nil {
		return nil
	}
	switch mlctl.ErrorCode(err) {
	case mlctl.ENOTFOUND, mlctl.EINVALID, mlctl.ECORRUPT, mlctl.ECONFLICT:
		return temporal.NewNonRetryableApplicationError(err.Error(), mlctl.ErrorCode(err), err)
	}
	return err
}

// invalid marks err as bad input that no retry can fix (an EINVALID
// error), keeping any code it already has.
func invalid(err error) error {
	if mlctl.ErrorCode(err) != "" {
		return err
	}
	return &mlctl.Error{Code: mlctl.EINVALID, Message: err.Error()}
}

// workflowID is the ID of the workflow that runs the activity ("" outside one).
func workflowID(ctx context.Context) string {
	if !activity.IsActivity(ctx) {
		return ""
	}
	return activity.GetInfo(ctx).WorkflowExecution.ID
}
