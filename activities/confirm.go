package activities

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mlctl/mlctl"

	"go.temporal.io/sdk/activity"

	"github.com/mlctl/mlctl/registry"
)

// ConfirmInput names the alias change every live scorer must act on.
type ConfirmInput struct {
	Alias    string    `json:"alias"`
	ModelID  int64     `json:"model_id"`
	Model    string    `json:"model"`
	ChangeID int64     `json:"change_id"`
	MovedAt  time.Time `json:"moved_at"`
	// Timeout counts from MovedAt, so a retried activity does not extend it.
	Timeout time.Duration `json:"timeout"`
}

// ScorerConfirm is one scorer that loaded the model.
type ScorerConfirm struct {
	ID    string  `json:"id"`
	Host  string  `json:"host"`
	After float64 `json:"seconds_after_move"`
}

// ConfirmResult lists who confirmed and how fast.
type ConfirmResult struct {
	Scorers []ScorerConfirm `json:"scorers"`
	// Seconds is from the alias move to the last confirmation.
	Seconds float64 `json:"seconds"`
}

// confirmPoll is the polling fallback when no notification arrives.
const confirmPoll = 200 * time.Millisecond

// ConfirmScorers waits until every live scorer of the alias reports the
// change loaded. A scorer that refuses the model (its bytes fail to verify
// or load) fails it at once; so does the timeout, naming who is behind.
// With no live scorer there is nothing to wait for.
func (a *Activities) ConfirmScorers(ctx context.Context, in ConfirmInput) (ConfirmResult, error) {
	deadline := in.MovedAt.Add(in.Timeout)
	wake, stop, err := a.DB.Listen(ctx, registry.ScorerChannel)
	if err != nil {
		activity.GetLogger(ctx).Warn("listen for scorers failed; polling only", "error", err)
		wake = nil
	} else {
		defer stop()
	}
	for {
		res, pending, err := a.confirmed(ctx, in)
		if err != nil {
			return ConfirmResult{}, err
		}
		if len(pending) == 0 {
			return res, nil
		}
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx, len(res.Scorers))
		}
		if time.Now().After(deadline) {
			return ConfirmResult{}, nonRetryable(mlctl.Errorf(mlctl.ECONFLICT,
				"%d of %d live scorers of %s did not load %s within %s: %s",
				len(pending), len(pending)+len(res.Scorers), in.Alias, in.Model, in.Timeout, strings.Join(pending, ", ")))
		}
		select {
		case <-ctx.Done():
			return ConfirmResult{}, ctx.Err()
		case _, ok := <-wake:
			if !ok {
				wake = nil // the listener died: poll
			}
		case <-time.After(min(confirmPoll, time.Until(deadline)+time.Millisecond)):
		}
	}
}

// confirmed splits the alias's live scorers into those that loaded the
// change and those still pending; a refusal is an error.
func (a *Activities) confirmed(ctx context.Context, in ConfirmInput) (ConfirmResult, []string, error) {
	scorers, err := a.DB.Scorers(ctx, in.Alias)
	if err != nil {
		return ConfirmResult{}, nil, err
	}
	var res ConfirmResult
	var pending []string
	for _, s := range scorers {
		if !s.Live {
			continue
		}
		switch {
		case s.ChangeID >= in.ChangeID && s.ModelID == in.ModelID:
			after := 0.0
			if s.LoadedAt != nil {
				after = max(0, s.LoadedAt.Sub(in.MovedAt).Seconds())
			}
			res.Scorers = append(res.Scorers, ScorerConfirm{ID: s.ID, Host: s.Host, After: after})
			res.Seconds = max(res.Seconds, after)
		case s.ChangeID >= in.ChangeID && s.RefusedModelID == in.ModelID:
			return ConfirmResult{}, nil, nonRetryable(mlctl.Errorf(mlctl.ECORRUPT,
				"scorer %s on %s refused %s and kept %s: %s", s.ID, s.Host, in.Model, orNone(s.Model), s.LastError))
		default:
			pending = append(pending, fmt.Sprintf("%s on %s (serving %s)", s.ID, s.Host, orNone(s.Model)))
		}
	}
	sort.Strings(pending)
	return res, pending, nil
}

func orNone(s string) string {
	if s == "" {
		return "no model"
	}
	return s
}
