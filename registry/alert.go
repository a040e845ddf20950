package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Alert kinds: what an alert is about (Alert.Kind).
const (
	// AlertName is one DNS name scored at or above the threshold.
	AlertName = "name"
	// AlertClient is a client IP with at least k distinct names at or
	// above the threshold in one window.
	AlertClient = "client"
	// AlertTunnel is a registrable domain whose query names in a window
	// look like a tunnel.
	AlertTunnel = "tunnel"
	// AlertFlow is a source IP window of flows.
	AlertFlow = "flow"
	// AlertTXT is one TXT record.
	AlertTXT = "txt"
)

// alertKinds are the kinds AddAlerts stores.
var alertKinds = map[string]bool{AlertName: true, AlertClient: true, AlertTunnel: true, AlertFlow: true, AlertTXT: true}

// Alert is one input a scorer scored at or above its model's threshold, or
// (Kind AlertClient) a client whose inputs did in a window.
type Alert struct {
	ID int64 `json:"id,omitempty"`
	// UID identifies the alert wherever it is delivered: a UUID its scorer
	// gave it when raising it (AddAlerts gives one to an alert without).
	// Stored twice, an alert is kept once.
	UID string `json:"alert_id"`
	// Kind is one of AlertName, AlertClient, AlertTunnel, AlertFlow,
	// AlertTXT. AddAlerts stores the zero value as AlertName, as the rows
	// from before kinds existed.
	Kind      string    `json:"kind"`
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
	// WindowStart and WindowSeconds are a client alert's window; nil and 0
	// for other kinds.
	WindowStart   *time.Time `json:"window_start,omitempty"`
	WindowSeconds int        `json:"window_seconds,omitempty"`
	// Names are a client alert's distinct names at or above the threshold
	// in its window, in the order they were first seen (at most 20).
	Names []string `json:"names,omitempty"`
	// NXDomainShare is, for a client alert, the share of the client's
	// answered queries in the window answered NXDOMAIN; nil when the
	// source carried no response codes (or for other kinds).
	NXDomainShare *float64 `json:"nxdomain_share,omitempty"`
	// Domain and Clients are a tunnel alert's registrable domain and (up
	// to 8 of) the clients that asked in its window; stored in Detail
	// too, so they are not read back from the registry.
	Domain  string   `json:"domain,omitempty"`
	Clients []string `json:"clients,omitempty"`
	// MedianScore is a client alert's median score of its Names.
	MedianScore *float64 `json:"median_score,omitempty"`
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

// alertColumns are the columns AddAlerts fills, in the order of alertRow.
var alertColumns = []string{"alert_uid", "seen_at", "source", "client_ip", "input", "score", "threshold", "model_id", "model", "version", "sha256", "scorer_id",
	"batch_median", "detail", "campaign_id", "kind", "window_start", "window_seconds", "names", "nxdomain_share", "median_score"}

// AddAlerts stores alerts, skipping those whose UID is stored already (a
// batch delivered again after an outage), and returns how many it stored.
// Alerts without a UID are given one. It is one transaction: a COPY into a
// temporary table, then one INSERT … ON CONFLICT DO NOTHING.
func (db *DB) AddAlerts(ctx context.Context, alerts []Alert) (int, error) {
	if len(alerts) == 0 {
		return 0, nil
	}
	rows := make([][]any, len(alerts))
	for i := range alerts {
		if alerts[i].UID == "" {
			alerts[i].UID = NewAlertUID()
		}
		row, err := alertRow(i, &alerts[i])
		if err != nil {
			return 0, err
		}
		rows[i] = row
	}
	cols := strings.Join(alertColumns, ", ")
	var stored int64
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE alerts_in ON COMMIT DROP AS SELECT `+cols+` FROM alerts WITH NO DATA`); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"alerts_in"}, alertColumns, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO alerts (`+cols+`) SELECT `+cols+` FROM alerts_in ON CONFLICT (alert_uid) DO NOTHING`)
		stored = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store %d alerts: %w", len(alerts), err)
	}
	return int(stored), nil
}

// alertRow is alert i's values for alertColumns, or why it cannot be stored.
func alertRow(i int, a *Alert) ([]any, error) {
	uid, err := uuid.Parse(a.UID)
	if err != nil {
		return nil, mlctl.Errorf(mlctl.EINVALID, "alert %d: alert_id %q is not a UUID", i, a.UID)
	}
	campaign := a.Campaign
	switch {
	case campaign == 0:
		campaign = NoCampaign
	case campaign < NoCampaign:
		return nil, mlctl.Errorf(mlctl.EINVALID, "alert %d: campaign ID %d is neither an issued ID nor %d (none)", i, campaign, NoCampaign)
	}
	kind := a.Kind
	switch {
	case kind == "":
		kind = AlertName
	case !alertKinds[kind]:
		return nil, mlctl.Errorf(mlctl.EINVALID, "alert %d: kind %q is not one of name, client, tunnel, flow, txt", i, kind)
	}
	var model *int64
	if a.ModelID != 0 {
		model = &a.ModelID
	}
	detail := a.Detail
	if detail == nil {
		detail = json.RawMessage(`{}`)
	}
	return []any{uid.String(), a.SeenAt, a.Source, a.ClientIP, a.Input, a.Score, a.Threshold, model, a.Model, a.Version, a.SHA256, a.ScorerID, a.BatchMedian, detail, campaign,
		kind, a.WindowStart, windowSeconds(a.WindowSeconds), a.Names, a.NXDomainShare, a.MedianScore}, nil
}

// NewAlertUID returns a fresh alert ID: a UUID of version 7, which sorts by
// the time it was made.
func NewAlertUID() string {
	id, err := uuid.NewV7()
	if err != nil { // only when the system's random source fails
		return uuid.NewString()
	}
	return id.String()
}

// Alerts returns the newest alerts (at most limit), newest first.
func (db *DB) Alerts(ctx context.Context, limit int) ([]Alert, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, COALESCE(alert_uid::text, ''), seen_at, source, client_ip, input, score, threshold, COALESCE(model_id, 0), model, version,
		sha256, scorer_id, batch_median, detail, campaign_id, kind, window_start, COALESCE(window_seconds, 0), names, nxdomain_share, median_score
		FROM alerts ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var a Alert
		var detail []byte
		if err := rows.Scan(&a.ID, &a.UID, &a.SeenAt, &a.Source, &a.ClientIP, &a.Input, &a.Score, &a.Threshold, &a.ModelID, &a.Model,
			&a.Version, &a.SHA256, &a.ScorerID, &a.BatchMedian, &detail, &a.Campaign,
			&a.Kind, &a.WindowStart, &a.WindowSeconds, &a.Names, &a.NXDomainShare, &a.MedianScore); err != nil {
			return nil, fmt.Errorf("read alert: %w", err)
		}
		a.Detail = detail
		out = append(out, a)
	}
	return out, rows.Err()
}

// windowSeconds is a window length for its column: NULL for none.
func windowSeconds(n int) *int32 {
	if n == 0 {
		return nil
	}
	v := int32(n)
	return &v
}
