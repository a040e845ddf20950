package activities

import (
	"context"

	"github.com/mlctl/mlctl/gate"
	"github.com/mlctl/mlctl/published"
)

// Default gate margins that workflows fill a GateInput with when a run
// sets none (gate.DefaultMarginAUC, gate.DefaultMarginRecall).
const (
	DefaultMarginAUC    = gate.DefaultMarginAUC
	DefaultMarginRecall = gate.DefaultMarginRecall
)

// GateInput names the two models and the evaluation rows (gate.Input).
type GateInput = gate.Input

// GateSide is one model's figures on the gate's rows (gate.Side).
type GateSide = gate.Side

// GateResult is the gate's comparison; Passed false carries the reason
// (gate.Result).
type GateResult = gate.Result

// GateRollout loads champion and challenger and runs the gate between
// them (gate.Compare): the challenger passes unless its ROC-AUC, or its
// recall at the champion's false positive rate, is worse by more than the
// margins, or it fails the shadow requirements.
func (a *Activities) GateRollout(ctx context.Context, in GateInput) (GateResult, error) {
	champ, err := a.loadModel(ctx, in.ChampionID)
	if err != nil {
		return GateResult{}, err
	}
	chall, err := a.loadModel(ctx, in.ChallengerID)
	if err != nil {
		return GateResult{}, err
	}
	r, err := gate.Compare(ctx, a.DB, in, champ, chall)
	if err != nil {
		return GateResult{}, nonRetryable(err)
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
