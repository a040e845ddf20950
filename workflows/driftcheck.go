package workflows

import (
	"time"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/driftcheck"

	"go.temporal.io/sdk/workflow"
)

// DriftCheckInput is what a drift schedule starts each DriftCheck with.
type DriftCheckInput struct {
	// Schedule is the retrain schedule's NAME the check belongs to.
	Schedule string `json:"schedule"`
	// Drift says which alias's model to check and how.
	Drift driftcheck.LiveInput `json:"drift"`
	// RetrainSchedule is the Temporal Schedule triggered when the model
	// drifted ("" to only record).
	RetrainSchedule string `json:"retrain_schedule,omitempty"`
}

// DriftCheckResult is the check and whether it started a retrain.
type DriftCheckResult struct {
	driftcheck.LiveResult
	// Triggered is true when the drift triggered RetrainSchedule (which
	// skips the run if a retrain is already going).
	Triggered bool `json:"triggered"`
}

// DriftCheck compares the live feature samples the alias's scorers keep
// with the model's training data (KS test per feature, PSI recorded),
// records the report, and triggers the retrain schedule when more than the
// threshold share of features drifted (the bot detector: 0.30).
func DriftCheck(ctx workflow.Context, in DriftCheckInput) (*DriftCheckResult, error) {
	var a *activities.Activities
	control := withTimeout(controlOptions(ctx), 10*time.Minute)
	var res DriftCheckResult
	if err := workflow.ExecuteActivity(control, a.CheckLiveDrift, in.Drift).Get(ctx, &res.LiveResult); err != nil {
		return nil, err
	}
	if res.Drifted && in.RetrainSchedule != "" {
		if err := workflow.ExecuteActivity(controlOptions(ctx), a.TriggerSchedule, in.RetrainSchedule).Get(ctx, nil); err != nil {
			return nil, err
		}
		res.Triggered = true
		workflow.GetLogger(ctx).Info("drift triggered a retrain", "schedule", in.RetrainSchedule, "model", res.Model, "reason", res.Reason)
	}
	return &res, nil
}
