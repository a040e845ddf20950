package activities

import (
	"context"

	"github.com/mlctl/mlctl/gate"
	"github.com/mlctl/mlctl/published"
	"github.com/mlctl/mlctl/registry"
)

// ShadowInput opens a shadow: the challenger scored beside the champion by
// the alias's scorers.
type ShadowInput struct {
	Alias        string `json:"alias"`
	ChampionID   int64  `json:"champion_id"`
	ChallengerID int64  `json:"challenger_id"`
}

// StartShadow opens the shadow (once per workflow) and wakes the scorers.
func (a *Activities) StartShadow(ctx context.Context, in ShadowInput) (registry.Shadow, error) {
	s, err := a.DB.StartShadow(ctx, in.Alias, in.ChampionID, in.ChallengerID, workflowID(ctx))
	if err != nil {
		return registry.Shadow{}, nonRetryable(err)
	}
	return *s, nil
}

// EndShadowInput closes a shadow with its outcome.
type EndShadowInput struct {
	ShadowID int64  `json:"shadow_id"`
	Outcome  string `json:"outcome"`
}

// EndShadow closes the shadow; the scorers drop the challenger.
func (a *Activities) EndShadow(ctx context.Context, in EndShadowInput) (registry.ShadowSummary, error) {
	if _, err := a.DB.EndShadow(ctx, in.ShadowID, in.Outcome); err != nil {
		return registry.ShadowSummary{}, nonRetryable(err)
	}
	s, err := a.DB.SummariseShadow(ctx, in.ShadowID)
	if err != nil {
		return registry.ShadowSummary{}, err
	}
	return *s, nil
}

// ModelDatasets returns the dataset versions a published model was
// trained on (NAME@V).
func (a *Activities) ModelDatasets(ctx context.Context, modelID int64) ([]string, error) {
	m, err := a.DB.ModelByID(ctx, modelID)
	if err != nil {
		return nil, nonRetryable(err)
	}
	man, err := published.ParseManifest(m)
	if err != nil {
		return nil, nonRetryable(err)
	}
	return man.DatasetVersions, nil
}

// CheckShadow applies the shadow requirements of a gate (MinShadow,
// MinShadowScored, MaxDisagreement) to the challenger's shadow on the
// alias (gate.Shadow).
func (a *Activities) CheckShadow(ctx context.Context, in gate.Input) (gate.ShadowCheck, error) {
	champ, err := a.DB.ModelByID(ctx, in.ChampionID)
	if err != nil {
		return gate.ShadowCheck{}, nonRetryable(err)
	}
	chall, err := a.DB.ModelByID(ctx, in.ChallengerID)
	if err != nil {
		return gate.ShadowCheck{}, nonRetryable(err)
	}
	return gate.Shadow(ctx, a.DB, in, chall.Ref(), champ.Ref())
}
