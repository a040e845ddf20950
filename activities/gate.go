package activities

import (
	"context"

	"github.com/mlctl/mlctl/gate"
	"github.com/mlctl/mlctl/published"
)

// Default gate margins that workflows fill a gate.Input with when a run
// sets none (gate.DefaultMarginAUC, gate.DefaultMarginRecall).
const (
	DefaultMarginAUC    = gate.DefaultMarginAUC
	DefaultMarginRecall = gate.DefaultMarginRecall
)

// GateRollout loads champion and challenger and runs the gate between
// them (gate.Compare): the challenger passes unless its ROC-AUC, or its
// recall at the champion's false positive rate, is worse by more than the
// margins, or it fails the shadow requirements.
func (a *Activities) GateRollout(ctx context.Context, in gate.Input) (gate.Result, error) {
	champ, err := a.loadModel(ctx, in.ChampionID)
	if err != nil {
		return gate.Result{}, err
	}
	chall, err := a.loadModel(ctx, in.ChallengerID)
	if err != nil {
		return gate.Result{}, err
	}
	r, err := gate.Compare(ctx, a.DB, in, champ, chall)
	if err != nil {
		return gate.Result{}, nonRetryable(err)
	}
	return r, nil
}

// loadModel reads and verifies a published model's artifact; a missing
// or corrupt model is a non-retryable error.
func (a *Activities) loadModel(ctx context.Context, id int64) (*published.Loaded, error) {
	m, err := a.DB.ModelByID(ctx, id)
	if err != nil {
		return nil, nonRetryable(err)
	}
	l, err := published.Load(ctx, a.DB, m)
	if err != nil {
		return nil, nonRetryable(err)
	}
	return l, nil
}
