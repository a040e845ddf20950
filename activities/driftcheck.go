package activities

import (
	"context"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/driftcheck"
	"github.com/mlctl/mlctl/published"
)

// LiveDriftInput says which model to check for drift, and how
// (driftcheck.LiveInput).
type LiveDriftInput = driftcheck.LiveInput

// LiveDriftResult is a live drift check: the verdict and a sentence a user
// reads (driftcheck.LiveResult).
type LiveDriftResult = driftcheck.LiveResult

// CheckLiveDrift checks the model the alias serves now for drift on the
// live samples its scorers recorded (driftcheck.Live), recording the
// report with the running workflow's ID. An unset alias is not checked
// (the reason says so); a model without named features (an LSTM) or a
// sample lacking the model's columns is a non-retryable error.
func (a *Activities) CheckLiveDrift(ctx context.Context, in LiveDriftInput) (LiveDriftResult, error) {
	in, err := in.WithDefaults()
	if err != nil {
		return LiveDriftResult{}, nonRetryable(err)
	}
	al, err := a.DB.GetAlias(ctx, in.Alias)
	if mlctl.ErrorCode(err) == mlctl.ENOTFOUND {
		return driftcheck.Unserved(in), nil
	}
	if err != nil {
		return LiveDriftResult{}, err
	}
	l, err := published.Load(ctx, a.DB, al.Model)
	if err != nil {
		return LiveDriftResult{}, nonRetryable(err)
	}
	res, err := driftcheck.Live(ctx, a.DB, in, l, workflowID(ctx))
	if err != nil {
		return LiveDriftResult{}, nonRetryable(err)
	}
	return res, nil
}
