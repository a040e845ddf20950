package activities

import (
	"context"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/published"
	"github.com/mlctl/mlctl/registry"
)

// ModelRef identifies one verified model version.
type ModelRef struct {
	ID     int64  `json:"id"`
	Ref    string `json:"ref"` // MODEL@V
	SHA256 string `json:"sha256"`
}

// AliasState is where an alias points (Set is false when it has never been set).
type AliasState struct {
	Alias    string   `json:"alias"`
	Set      bool     `json:"set"`
	Model    ModelRef `json:"model"`
	ChangeID int64    `json:"change_id"`
}

// VerifyModel resolves MODEL[@V], reads its artifact, verifies the SHA-256
// and checks this mlctl can serve it (algorithm, feature set). A corrupted
// artifact is a non-retryable ECORRUPT error.
func (a *Activities) VerifyModel(ctx context.Context, ref string) (ModelRef, error) {
	name, version, err := mlctl.ParseRef(ref)
	if err != nil {
		return ModelRef{}, nonRetryable(mlctl.Errorf(mlctl.EINVALID, "model %v", err))
	}
	m, err := a.DB.Model(ctx, name, version)
	if err != nil {
		return ModelRef{}, nonRetryable(err)
	}
	l, err := published.Load(ctx, a.DB, m)
	if err != nil {
		return ModelRef{}, nonRetryable(err)
	}
	if _, err := artifact.NewScorer(l.Artifact); err != nil {
		return ModelRef{}, nonRetryable(mlctl.Errorf(mlctl.EINVALID, "model %s cannot be served: %v", m.Ref(), err))
	}
	return ModelRef{ID: m.ID, Ref: m.Ref(), SHA256: m.SHA256}, nil
}

// ResolveAlias reads where an alias points now.
func (a *Activities) ResolveAlias(ctx context.Context, alias string) (AliasState, error) {
	if err := registry.ValidAliasName(alias); err != nil {
		return AliasState{}, nonRetryable(err)
	}
	cur, err := a.DB.GetAlias(ctx, alias)
	if mlctl.ErrorCode(err) == mlctl.ENOTFOUND {
		return AliasState{Alias: alias}, nil
	}
	if err != nil {
		return AliasState{}, err
	}
	return AliasState{Alias: alias, Set: true, ChangeID: cur.ChangeID,
		Model: ModelRef{ID: cur.Model.ID, Ref: cur.Model.Ref(), SHA256: cur.Model.SHA256}}, nil
}

// RollbackTarget returns the model an alias served before its current one
// was promoted.
func (a *Activities) RollbackTarget(ctx context.Context, alias string) (string, error) {
	m, err := a.DB.RollbackTarget(ctx, alias)
	if err != nil {
		return "", nonRetryable(err)
	}
	return m.Ref(), nil
}

// MoveAliasInput is one alias change.
type MoveAliasInput struct {
	Alias      string `json:"alias"`
	ModelID    int64  `json:"model_id"`
	ExpectFrom int64  `json:"expect_from"` // the model it must point at now (0: unset)
	Action     string `json:"action"`
	Reason     string `json:"reason"`
	By         string `json:"by"`
}

// MoveAliasResult is the recorded change.
type MoveAliasResult struct {
	ChangeID int64     `json:"change_id"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	At       time.Time `json:"at"`
}

// MoveAlias points the alias at the model in one transaction with its
// history row. It is idempotent per workflow and action.
func (a *Activities) MoveAlias(ctx context.Context, in MoveAliasInput) (MoveAliasResult, error) {
	expect := in.ExpectFrom
	c, err := a.DB.SetAlias(ctx, registry.MoveAlias{Alias: in.Alias, ModelID: in.ModelID, Action: in.Action,
		Reason: in.Reason, WorkflowID: workflowID(ctx), By: in.By, ExpectFromID: &expect})
	if err != nil {
		return MoveAliasResult{}, nonRetryable(err)
	}
	return MoveAliasResult{ChangeID: c.ID, From: c.From, To: c.To, At: c.At}, nil
}

// RestoreAlias is a failed rollout's compensation: MoveAlias back to the
// previous model with action restore, under its own name so the step stands
// out in the web UI.
func (a *Activities) RestoreAlias(ctx context.Context, in MoveAliasInput) (MoveAliasResult, error) {
	in.Action = mlctl.ActionRestore
	return a.MoveAlias(ctx, in)
}

// NotifyScorers announces that an alias moved on registry.AliasChannel;
// scorers that miss it find the change by polling.
func (a *Activities) NotifyScorers(ctx context.Context, alias string) error {
	return a.DB.NotifyAlias(ctx, alias)
}
