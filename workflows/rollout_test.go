package workflows

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/gate"
)

// rolloutMocks wires the activities of a rollout from dga@1 (id 1) to
// dga@2 (id 2) on alias production, recording the steps in order.
func rolloutMocks(t *testing.T, confirmErr error) (*[]string, func() *RolloutResult, func() error, func(RolloutInput)) {
	env := newEnv(t)
	var a *activities.Activities
	var steps []string
	env.OnActivity(a.VerifyModel, mock.Anything, "dga@2").Return(func(context.Context, string) (activities.ModelRef, error) {
		steps = append(steps, "verify")
		return activities.ModelRef{ID: 2, Ref: "dga@2", SHA256: "bbb"}, nil
	})
	env.OnActivity(a.ResolveAlias, mock.Anything, "production").Return(func(context.Context, string) (activities.AliasState, error) {
		steps = append(steps, "resolve")
		return activities.AliasState{Alias: "production", Set: true, ChangeID: 7, Model: activities.ModelRef{ID: 1, Ref: "dga@1", SHA256: "aaa"}}, nil
	})
	env.OnActivity(a.GateRollout, mock.Anything, mock.MatchedBy(func(in gate.Input) bool {
		return in.ChampionID == 1 && in.ChallengerID == 2 && in.MarginAUC == activities.DefaultMarginAUC
	})).Return(func(context.Context, gate.Input) (gate.Result, error) {
		steps = append(steps, "gate")
		return gate.Result{Passed: true, Reason: "fine"}, nil
	})
	moved := time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC)
	env.OnActivity(a.MoveAlias, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.MoveAliasInput) (activities.MoveAliasResult, error) {
		steps = append(steps, in.Action+"->"+map[int64]string{1: "dga@1", 2: "dga@2"}[in.ModelID])
		return activities.MoveAliasResult{ChangeID: 8, From: "x", To: "y", At: moved}, nil
	})
	env.OnActivity(a.RestoreAlias, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.MoveAliasInput) (activities.MoveAliasResult, error) {
		steps = append(steps, "restore->"+map[int64]string{1: "dga@1", 2: "dga@2"}[in.ModelID])
		return activities.MoveAliasResult{ChangeID: 9, At: moved}, nil
	})
	env.OnActivity(a.NotifyScorers, mock.Anything, "production").Return(func(context.Context, string) error {
		steps = append(steps, "notify")
		return nil
	})
	env.OnActivity(a.ConfirmScorers, mock.Anything, mock.MatchedBy(func(in activities.ConfirmInput) bool {
		return in.ModelID == 2 && in.ChangeID == 8 && in.MovedAt.Equal(moved) && in.Timeout == DefaultConfirmTimeout
	})).Return(func(context.Context, activities.ConfirmInput) (activities.ConfirmResult, error) {
		steps = append(steps, "confirm")
		if confirmErr != nil {
			return activities.ConfirmResult{}, confirmErr
		}
		return activities.ConfirmResult{Scorers: []activities.ScorerConfirm{{ID: "s1", After: 0.1}}, Seconds: 0.1}, nil
	})
	result := func() *RolloutResult {
		var r RolloutResult
		if err := env.GetWorkflowResult(&r); err != nil {
			t.Fatal(err)
		}
		return &r
	}
	run := func(in RolloutInput) { env.ExecuteWorkflow(Rollout, in) }
	return &steps, result, env.GetWorkflowError, run
}

func TestRolloutVerifiesGatesMovesNotifiesConfirms(t *testing.T) {
	steps, result, werr, run := rolloutMocks(t, nil)
	run(RolloutInput{Alias: "production", Model: "dga@2", By: "ana"})
	if err := werr(); err != nil {
		t.Fatal(err)
	}
	want := "verify resolve gate promote->dga@2 notify confirm"
	if got := strings.Join(*steps, " "); got != want {
		t.Fatalf("steps %q, want %q", got, want)
	}
	if r := result(); r.From != "dga@1" || r.To != "dga@2" || r.ChangeID != 8 || len(r.Confirmed.Scorers) != 1 || r.Restored != nil {
		t.Fatalf("result %+v", r)
	}
}

func TestRolloutRestoresThePreviousModelWhenScorersDoNotConfirm(t *testing.T) {
	steps, _, werr, run := rolloutMocks(t, temporal.NewNonRetryableApplicationError("1 of 2 live scorers of production did not load dga@2 within 30s", mlctl.ECONFLICT, nil))
	run(RolloutInput{Alias: "production", Model: "dga@2", By: "ana"})
	err := werr()
	if err == nil || !strings.Contains(err.Error(), "dga@1 was restored") || !strings.Contains(err.Error(), "did not load dga@2") {
		t.Fatalf("error %v", err)
	}
	want := "verify resolve gate promote->dga@2 notify confirm restore->dga@1 notify"
	if got := strings.Join(*steps, " "); got != want {
		t.Fatalf("steps %q, want %q", got, want)
	}
}

func TestRolloutForceNeedsAReasonAndSkipsTheGate(t *testing.T) {
	_, _, werr, run := rolloutMocks(t, nil)
	run(RolloutInput{Alias: "production", Model: "dga@2", Force: true})
	if err := werr(); err == nil || !strings.Contains(err.Error(), "--force needs --reason") {
		t.Fatalf("force without reason: %v", err)
	}
	steps, _, werr, run := rolloutMocks(t, nil)
	run(RolloutInput{Alias: "production", Model: "dga@2", Force: true, Reason: "hotfix"})
	if err := werr(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(*steps, " "); strings.Contains(got, "gate") {
		t.Fatalf("forced rollout ran the gate: %q", got)
	}
}

func TestRolloutStopsAtAFailedGate(t *testing.T) {
	env := newEnv(t)
	var a *activities.Activities
	env.OnActivity(a.VerifyModel, mock.Anything, "dga@2").Return(activities.ModelRef{ID: 2, Ref: "dga@2"}, nil)
	env.OnActivity(a.ResolveAlias, mock.Anything, "production").Return(activities.AliasState{Set: true, Model: activities.ModelRef{ID: 1, Ref: "dga@1"}}, nil)
	env.OnActivity(a.GateRollout, mock.Anything, mock.Anything).Return(gate.Result{Passed: false, Reason: "challenger dga@2 ROC-AUC 0.90 is 0.05 below"}, nil)
	env.ExecuteWorkflow(Rollout, RolloutInput{Alias: "production", Model: "dga@2"})
	err := env.GetWorkflowError()
	if err == nil || !strings.Contains(err.Error(), "gate: challenger dga@2") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("error %v", err)
	}
}
