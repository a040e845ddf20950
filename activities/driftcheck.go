package activities

import (
	"context"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/driftcheck"
	"github.com/mlctl/mlctl/published"
)

// CheckLiveDrift checks the model the alias serves now for drift on the
// live samples its scorers recorded (driftcheck.Live), recording the
// report with the running workflow's ID. An unset alias is not checked
// (the reason says so); a model without named features (an LSTM) or a
// sample lacking the model's columns is a non-retryable error.
func (a *Activities) CheckLiveDrift(ctx context.Context, in driftcheck.LiveInput) (driftcheck.LiveResult, error) {
	in, err := in.WithDefaults()
	if err != nil {
		return driftcheck.LiveResult{}, nonRetryable(err)
	}
	al, err := a.DB.GetAlias(ctx, in.Alias)
	if mlctl.ErrorCode(err) == mlctl.ENOTFOUND {
		return driftcheck.Unserved(in), nil
	}
	if err != nil {
		return driftcheck.LiveResult{}, err
	}
	l, err := published.Load(ctx, a.DB, al.Model)
	if err != nil {
		return driftcheck.LiveResult{}, nonRetryable(err)
	}
	res, err := driftcheck.Live(ctx, a.DB, in, l, workflowID(ctx))
	if err != nil {
		return driftcheck.LiveResult{}, nonRetryable(err)
	}
	return res, nil
}
