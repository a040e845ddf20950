package activities

import (
	"context"
	"encoding/json"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/webhook"
)

// DecisionEvent is the webhook event of a Retrain's decision.
const DecisionEvent = "retrain.decision"

// RecordDecision stores a Retrain run's decision (once per run) and writes
// its decision log line to the worker's log.
func (a *Activities) RecordDecision(ctx context.Context, d mlctl.Decision) (mlctl.Decision, error) {
	d.WorkflowID = workflowID(ctx)
	stored, err := a.DB.RecordDecision(ctx, d)
	if err != nil {
		return mlctl.Decision{}, err
	}
	logDecision(ctx, stored)
	return *stored, nil
}

func logDecision(ctx context.Context, d *mlctl.Decision) {
	if !activity.IsActivity(ctx) {
		return
	}
	activity.GetLogger(ctx).Info("retrain decision", "schedule", d.Schedule, "model", d.Model, "alias", d.Alias,
		"outcome", d.Outcome, "reason", d.Reason, "challenger_id", d.ChallengerID, "champion_id", d.ChampionID,
		"dataset_id", d.DatasetID, "workflow_id", d.WorkflowID, "decision_id", d.ID)
}

// WebhookInput names the decision to deliver and where.
type WebhookInput struct {
	URL        string `json:"url"`
	DecisionID int64  `json:"decision_id"`
}

// webhookBody is what a decision's webhook posts.
type webhookBody struct {
	Event string `json:"event"`
	*mlctl.Decision
	// Challenger and Champion are MODEL@V ("" when none).
	Challenger string `json:"challenger,omitempty"`
	Champion   string `json:"champion,omitempty"`
	Dataset    string `json:"dataset,omitempty"`
}

// DeliverDecision posts a recorded decision to a webhook, signed with the
// worker's secret (see package webhook). The delivery ID is the Retrain's
// workflow ID, the same on every retry.
func (a *Activities) DeliverDecision(ctx context.Context, in WebhookInput) error {
	d, err := a.DB.DecisionByID(ctx, in.DecisionID)
	if err != nil {
		return nonRetryable(err)
	}
	body := webhookBody{Event: DecisionEvent, Decision: d}
	if d.ChallengerID != 0 {
		if m, err := a.DB.ModelByID(ctx, d.ChallengerID); err == nil {
			body.Challenger = m.Ref()
		}
	}
	if d.ChampionID != 0 {
		if m, err := a.DB.ModelByID(ctx, d.ChampionID); err == nil {
			body.Champion = m.Ref()
		}
	}
	if d.DatasetID != 0 {
		if ds, err := a.DB.DatasetByID(ctx, d.DatasetID); err == nil {
			body.Dataset = ds.Ref()
		}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	if err := webhook.CheckURL(in.URL); err != nil {
		return nonRetryable(invalid(err))
	}
	if len(a.WebhookSecret) == 0 {
		return nonRetryable(mlctl.Errorf(mlctl.EINVALID, "webhook %s: the worker has no signing secret: set %s where `mlctl worker` runs", in.URL, webhook.SecretEnv))
	}
	return webhook.Post(ctx, nil, in.URL, a.WebhookSecret, webhook.Event{Name: DecisionEvent, Delivery: d.WorkflowID, Body: raw}, time.Now())
}
