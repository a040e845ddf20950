package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/jackc/pgx/v5"
)

// DriftReport is one drift check of a model: its training data against a
// recent sample, feature by feature.
type DriftReport struct {
	ID           int64           `json:"id"`
	ModelID      int64           `json:"model_id"`
	SampleRows   int64           `json:"sample_rows"`
	DriftedShare float64         `json:"drifted_share"`
	Drifted      bool            `json:"drifted"`
	Report       json.RawMessage `json:"report"`
	// Source is "file" (`mlctl drift`) or "live" (a DriftCheck of the
	// scorers' samples, run by WorkflowID).
	Source     string    `json:"source"`
	WorkflowID string    `json:"workflow_id,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// AddDriftReport records a drift check and returns its id.
func (db *DB) AddDriftReport(ctx context.Context, r DriftReport) (int64, error) {
	var id int64
	if r.Source == "" {
		r.Source = "file"
	}
	err := db.pool.QueryRow(ctx, `INSERT INTO drift_reports (model_id, sample_rows, drifted_share, drifted, report, source, workflow_id)
		VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, '')) RETURNING id`, r.ModelID, r.SampleRows, r.DriftedShare, r.Drifted, r.Report, r.Source, r.WorkflowID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record drift of model %d: %w", r.ModelID, err)
	}
	return id, nil
}

// LatestDrift returns a model's newest drift check (mlctl.ENOTFOUND when none).
func (db *DB) LatestDrift(ctx context.Context, modelID int64) (*DriftReport, error) {
	var r DriftReport
	var report []byte
	err := db.pool.QueryRow(ctx, `SELECT id, model_id, sample_rows, drifted_share, drifted, report, source, COALESCE(workflow_id, ''), created_at
		FROM drift_reports WHERE model_id = $1 ORDER BY id DESC LIMIT 1`, modelID).
		Scan(&r.ID, &r.ModelID, &r.SampleRows, &r.DriftedShare, &r.Drifted, &report, &r.Source, &r.WorkflowID, &r.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "model %d has no drift check yet", modelID)
	}
	if err != nil {
		return nil, fmt.Errorf("read drift of model %d: %w", modelID, err)
	}
	r.Report = report
	return &r, nil
}
