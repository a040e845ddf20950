package workflows

import (
	"errors"
	"fmt"
	"time"

	"github.com/mlctl/mlctl"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/gate"
)

// StatusQuery is the query `mlctl promote --wait` and `rollback --wait` poll.
const StatusQuery = "status"

// DefaultConfirmTimeout is how long a rollout waits for every live scorer.
const DefaultConfirmTimeout = 30 * time.Second

// RolloutInput is what `mlctl promote` starts a Rollout with.
type RolloutInput struct {
	Alias string `json:"alias"`
	Model string `json:"model"` // MODEL@V
	// Force skips the gate; Reason is then required and recorded.
	Force  bool   `json:"force"`
	Reason string `json:"reason"`
	By     string `json:"by"`
	// EvalDatasets for the gate (default: the challenger's test split).
	EvalDatasets   []string      `json:"eval_datasets"`
	MarginAUC      float64       `json:"margin_auc"`
	MarginRecall   float64       `json:"margin_recall"`
	ConfirmTimeout time.Duration `json:"confirm_timeout"`
	// Shadow requirements of the gate (see gate.Input).
	MinShadow       time.Duration `json:"min_shadow,omitempty"`
	MinShadowScored int64         `json:"min_shadow_scored,omitempty"`
	MaxDisagreement float64       `json:"max_disagreement,omitempty"`
}

// RollbackInput is what `mlctl rollback` starts a Rollback with.
type RollbackInput struct {
	Alias string `json:"alias"`
	// To is MODEL@V; empty means the model served before the current one
	// was promoted.
	To             string        `json:"to"`
	Reason         string        `json:"reason"`
	By             string        `json:"by"`
	ConfirmTimeout time.Duration `json:"confirm_timeout"`
}

// RolloutResult is where the alias ended up and who confirmed it.
type RolloutResult struct {
	Alias      string                      `json:"alias"`
	From       string                      `json:"from"`
	To         string                      `json:"to"`
	SHA256     string                      `json:"sha256"`
	ChangeID   int64                       `json:"change_id"`
	Gate       *gate.Result                `json:"gate,omitempty"`
	Confirmed  activities.ConfirmResult    `json:"confirmed"`
	WorkflowID string                      `json:"workflow_id"`
	Unchanged  bool                        `json:"unchanged,omitempty"`
	Restored   *activities.MoveAliasResult `json:"restored,omitempty"`
}

// RolloutStatus is what the status query answers.
type RolloutStatus struct {
	// Step is verify, gate, move, notify, confirm, restore, done or failed.
	Step   string        `json:"step"`
	Result RolloutResult `json:"result"`
	Error  string        `json:"error,omitempty"`
}

// Rollout verifies a model's artifact, gates it against the alias's current
// model, moves the alias, notifies scorers and waits until every live scorer
// has loaded it. If a scorer refuses the model or the wait times out, it
// restores the previous model, notifies again and fails with the reason.
func Rollout(ctx workflow.Context, in RolloutInput) (*RolloutResult, error) {
	var a *activities.Activities
	st := &RolloutStatus{Step: "verify", Result: RolloutResult{Alias: in.Alias, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}}
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (RolloutStatus, error) { return *st, nil }); err != nil {
		return nil, err
	}
	if in.Force && in.Reason == "" {
		return st.fail(temporal.NewNonRetryableApplicationError("--force needs --reason: the alias history records why the gate was skipped", mlctl.EINVALID, nil))
	}
	control := controlOptions(ctx)

	var target activities.ModelRef
	if err := workflow.ExecuteActivity(control, a.VerifyModel, in.Model).Get(ctx, &target); err != nil {
		return st.fail(err)
	}
	st.Result.To, st.Result.SHA256 = target.Ref, target.SHA256
	var cur activities.AliasState
	if err := workflow.ExecuteActivity(control, a.ResolveAlias, in.Alias).Get(ctx, &cur); err != nil {
		return st.fail(err)
	}
	st.Result.From = cur.Model.Ref
	if cur.Set && cur.Model.ID == target.ID {
		st.Result.Unchanged = true
		st.Step = "done"
		return &st.Result, nil
	}

	if cur.Set && !in.Force {
		st.Step = "gate"
		var g gate.Result
		err := workflow.ExecuteActivity(withTimeout(control, 30*time.Minute), a.GateRollout, gate.Input{
			Alias: in.Alias, ChampionID: cur.Model.ID, ChallengerID: target.ID, EvalDatasets: in.EvalDatasets,
			MarginAUC: orDefault(in.MarginAUC, activities.DefaultMarginAUC), MarginRecall: orDefault(in.MarginRecall, activities.DefaultMarginRecall),
			MinShadow: in.MinShadow, MinShadowScored: in.MinShadowScored, MaxDisagreement: in.MaxDisagreement,
		}).Get(ctx, &g)
		if err != nil {
			return st.fail(err)
		}
		st.Result.Gate = &g
		if !g.Passed {
			return st.fail(temporal.NewNonRetryableApplicationError("gate: "+g.Reason+"; promote anyway with --force --reason", "gate", nil))
		}
	}

	reason := in.Reason
	if reason == "" {
		reason = "promote " + target.Ref
		if st.Result.Gate != nil {
			reason = "gate passed: " + st.Result.Gate.Reason
		}
	}
	moved, err := moveNotifyConfirm(ctx, st, in.Alias, target, cur, mlctl.ActionPromote, reason, in.By, in.ConfirmTimeout)
	if err == nil {
		st.Step = "done"
		return &st.Result, nil
	}
	if !moved || !cur.Set {
		return st.fail(err)
	}
	// Compensate: put the previous model back and tell the scorers.
	st.Step = "restore"
	restoreCtx, _ := workflow.NewDisconnectedContext(ctx)
	var back activities.MoveAliasResult
	if rerr := workflow.ExecuteActivity(controlOptions(restoreCtx), a.RestoreAlias, activities.MoveAliasInput{
		Alias: in.Alias, ModelID: cur.Model.ID, ExpectFrom: target.ID, Action: mlctl.ActionRestore,
		Reason: "rollout of " + target.Ref + " failed: " + rootMessage(err), By: in.By,
	}).Get(restoreCtx, &back); rerr != nil {
		return st.fail(fmt.Errorf("rollout failed (%w) and restoring %s failed too: %v", err, cur.Model.Ref, rerr))
	}
	st.Result.Restored = &back
	_ = workflow.ExecuteActivity(controlOptions(restoreCtx), a.NotifyScorers, in.Alias).Get(restoreCtx, nil)
	return st.fail(fmt.Errorf("rollout of %s to %s failed and %s was restored: %w", target.Ref, in.Alias, cur.Model.Ref, err))
}

// Rollback points an alias back at the model it served before its current
// one was promoted (or at the named model), through the same verify,
// notify and confirm steps. If scorers do not confirm, the alias stays on
// the rollback target (the reason for a rollback is the current model) and
// the workflow fails naming who is behind.
func Rollback(ctx workflow.Context, in RollbackInput) (*RolloutResult, error) {
	var a *activities.Activities
	st := &RolloutStatus{Step: "resolve", Result: RolloutResult{Alias: in.Alias, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}}
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (RolloutStatus, error) { return *st, nil }); err != nil {
		return nil, err
	}
	control := controlOptions(ctx)
	var cur activities.AliasState
	if err := workflow.ExecuteActivity(control, a.ResolveAlias, in.Alias).Get(ctx, &cur); err != nil {
		return st.fail(err)
	}
	if !cur.Set {
		return st.fail(temporal.NewNonRetryableApplicationError("alias "+in.Alias+" is not set: nothing to roll back", mlctl.ENOTFOUND, nil))
	}
	st.Result.From = cur.Model.Ref
	to := in.To
	if to == "" {
		if err := workflow.ExecuteActivity(control, a.RollbackTarget, in.Alias).Get(ctx, &to); err != nil {
			return st.fail(err)
		}
	}
	st.Step = "verify"
	var target activities.ModelRef
	if err := workflow.ExecuteActivity(control, a.VerifyModel, to).Get(ctx, &target); err != nil {
		return st.fail(err)
	}
	st.Result.To, st.Result.SHA256 = target.Ref, target.SHA256
	if cur.Model.ID == target.ID {
		st.Result.Unchanged = true
		st.Step = "done"
		return &st.Result, nil
	}
	reason := in.Reason
	if reason == "" {
		reason = "rollback from " + cur.Model.Ref
	}
	if _, err := moveNotifyConfirm(ctx, st, in.Alias, target, cur, mlctl.ActionRollback, reason, in.By, in.ConfirmTimeout); err != nil {
		return st.fail(err)
	}
	st.Step = "done"
	return &st.Result, nil
}

// moveNotifyConfirm moves the alias, notifies scorers and waits for them;
// moved reports whether the alias moved (so the caller knows to compensate).
func moveNotifyConfirm(ctx workflow.Context, st *RolloutStatus, alias string, target activities.ModelRef, cur activities.AliasState,
	action, reason, by string, timeout time.Duration) (moved bool, err error) {
	var a *activities.Activities
	control := controlOptions(ctx)
	st.Step = "move"
	var mv activities.MoveAliasResult
	if err := workflow.ExecuteActivity(control, a.MoveAlias, activities.MoveAliasInput{
		Alias: alias, ModelID: target.ID, ExpectFrom: cur.Model.ID, Action: action, Reason: reason, By: by,
	}).Get(ctx, &mv); err != nil {
		return false, err
	}
	st.Result.ChangeID = mv.ChangeID
	st.Step = "notify"
	if err := workflow.ExecuteActivity(control, a.NotifyScorers, alias).Get(ctx, nil); err != nil {
		return true, err
	}
	st.Step = "confirm"
	if timeout <= 0 {
		timeout = DefaultConfirmTimeout
	}
	confirm := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           ControlQueue,
		StartToCloseTimeout: timeout + time.Minute,
		HeartbeatTimeout:    10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 3},
	})
	var res activities.ConfirmResult
	if err := workflow.ExecuteActivity(confirm, a.ConfirmScorers, activities.ConfirmInput{
		Alias: alias, ModelID: target.ID, Model: target.Ref, ChangeID: mv.ChangeID, MovedAt: mv.At, Timeout: timeout,
	}).Get(ctx, &res); err != nil {
		return true, err
	}
	st.Result.Confirmed = res
	return true, nil
}

func (st *RolloutStatus) fail(err error) (*RolloutResult, error) {
	st.Step = "failed"
	st.Error = rootMessage(err)
	return nil, err
}

// rootMessage is the innermost application error's message (what a user
// needs), without Temporal's activity wrapping.
func rootMessage(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Message()
	}
	return err.Error()
}

func controlOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           ControlQueue,
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2,
			MaximumInterval: 10 * time.Second, MaximumAttempts: 5},
	})
}

func withTimeout(ctx workflow.Context, d time.Duration) workflow.Context {
	o := workflow.GetActivityOptions(ctx)
	o.StartToCloseTimeout = d
	return workflow.WithActivityOptions(ctx, o)
}

func orDefault(v, d float64) float64 {
	if v == 0 {
		return d
	}
	return v
}
