// Package gate decides whether a challenger may replace the model an alias
// serves (the champion): both score the same labeled rows, and the
// challenger passes unless its ROC-AUC, or its recall at the champion's
// false positive rate, is worse by more than the margins; when asked, it
// must also have been shadowed beside the champion on live traffic.
package gate

import (
	"context"
	"time"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/trainingdata"
)

// Default gate margins: how much worse than the alias's current model a
// challenger may be and still be promoted.
const (
	DefaultMarginAUC    = 0.005
	DefaultMarginRecall = 0.02
)

// Store is the part of the registry the gate reads (*registry.DB).
type Store interface {
	trainingdata.Store
	LatestShadow(ctx context.Context, alias string, challengerID int64) (*registry.Shadow, error)
	SummariseShadow(ctx context.Context, id int64) (*registry.ShadowSummary, error)
}

// Input names the two models and the evaluation rows.
type Input struct {
	Alias        string `json:"alias"`
	ChampionID   int64  `json:"champion_id"`
	ChallengerID int64  `json:"challenger_id"`
	// EvalDatasets are NAME[@V] references; empty means the challenger's
	// own test split (the rows its published metrics came from).
	EvalDatasets []string `json:"eval_datasets"`
	MarginAUC    float64  `json:"margin_auc"`
	MarginRecall float64  `json:"margin_recall"`
	// Shadow requirements, checked when any is set: the challenger must
	// have been scored beside this champion on the alias's live traffic
	// (see registry.Shadow) for at least MinShadow, on at least
	// MinShadowScored inputs, with at most MaxDisagreement of them labeled
	// differently (0: no limit).
	MinShadow       time.Duration `json:"min_shadow,omitempty"`
	MinShadowScored int64         `json:"min_shadow_scored,omitempty"`
	MaxDisagreement float64       `json:"max_disagreement,omitempty"`
}

// wantsShadow says whether the input sets a shadow requirement.
func (in Input) wantsShadow() bool {
	return in.MinShadow > 0 || in.MinShadowScored > 0 || in.MaxDisagreement > 0
}
