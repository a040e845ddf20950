package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Alert is one input a scorer scored at or above its model's threshold.
type Alert struct {
	ID        int64     `json:"id,omitempty"`
	SeenAt    time.Time `json:"time"`
	Source    string    `json:"source"`
	ClientIP  string    `json:"client_ip"`
	Input     string    `json:"input"`
	Score     float64   `json:"score"`
	Threshold float64   `json:"threshold"`
	ModelID   int64     `json:"-"`
	Model     string    `json:"model"`
	Version   int       `json:"version"`
	SHA256    string    `json:"sha256"`
	ScorerID  string    `json:"scorer_id"`
	// BatchMedian is heiDGAF's overall score: the median score of this
	// client's inputs in the micro-batch the alert came from.
	BatchMedian *float64 `json:"client_batch_median,omitempty"`
	// Detail holds what pushed the score (top feature contributions) or,
	// for flows, which checks tripped.
	Detail json.RawMessage `json:"detail"`
	// Vector is the feature vector the model scored, for grouping alerts
	// into campaigns; it is not stored. Nil when the alert has none (flow
	// rule alerts).
	Vector []float64 `json:"-"`
	// Campaign is the campaign the alert belongs to: an ID from
	// NewCampaignIDs, or NoCampaign. 0 is never issued: AddAlerts stores the
	// zero value as NoCampaign.
	Campaign int `json:"campaign_id"`
}

// NoCampaign is the campaign ID of an alert in no campaign.
const NoCampaign = -1

// AddAlerts stores alerts in one COPY.
func (db *DB) AddAlerts(ctx context.Context, alerts []Alert) error {
	if len(alerts) == 0 {
		return nil
	}
	rows := make([][]any, len(alerts))
	for i, a := range alerts {
		campaign := a.Campaign
		switch {
		case campaign == 0:
			campaign = NoCampaign
		case campaign < NoCampaign:
			return Errorf(EINVALID, "alert %d: campaign ID %d is neither an issued ID nor %d (none)", i, campaign, NoCampaign)
		}
		var model *int64
		if a.ModelID != 0 {
			model = &alerts[i].ModelID
		}
		detail := a.Detail
		if detail == nil {
			detail = json.RawMessage(`{}`)
		}
		rows[i] = []any{a.SeenAt, a.Source, a.ClientIP, a.Input, a.Score, a.Threshold, model, a.Model, a.Version, a.SHA256, a.ScorerID, a.BatchMedian, detail, campaign}
	}
	_, err := db.pool.CopyFrom(ctx, pgx.Identifier{"alerts"},
		[]string{"seen_at", "source", "client_ip", "input", "score", "threshold", "model_id", "model", "version", "sha256", "scorer_id", "batch_median", "detail", "campaign_id"},
		pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("store %d alerts: %w", len(alerts), err)
	}
	return nil
}

// Alerts returns the newest alerts (at most limit), newest first.
func (db *DB) Alerts(ctx context.Context, limit int) ([]Alert, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, seen_at, source, client_ip, input, score, threshold, COALESCE(model_id, 0), model, version,
		sha256, scorer_id, batch_median, detail, campaign_id FROM alerts ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var a Alert
		var detail []byte
		if err := rows.Scan(&a.ID, &a.SeenAt, &a.Source, &a.ClientIP, &a.Input, &a.Score, &a.Threshold, &a.ModelID, &a.Model,
			&a.Version, &a.SHA256, &a.ScorerID, &a.BatchMedian, &detail, &a.Campaign); err != nil {
			return nil, fmt.Errorf("read alert: %w", err)
		}
		a.Detail = detail
		out = append(out, a)
	}
	return out, rows.Err()
}
