package registry

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mlctl/mlctl"
)

// RecordDecision stores a Retrain run's decision; a run records one, so a
// retried call returns the stored decision unchanged.
func (db *DB) RecordDecision(ctx context.Context, d mlctl.Decision) (*mlctl.Decision, error) {
	if len(d.Detail) == 0 {
		d.Detail = json.RawMessage(`{}`)
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO retrain_decisions (workflow_id, schedule, model, alias, outcome, reason, dataset_id, challenger_id, champion_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, 0::bigint), NULLIF($8, 0::bigint), NULLIF($9, 0::bigint), $10) ON CONFLICT (workflow_id) DO NOTHING`,
		d.WorkflowID, d.Schedule, d.Model, d.Alias, d.Outcome, d.Reason, d.DatasetID, d.ChallengerID, d.ChampionID, d.Detail)
	if err != nil {
		return nil, fmt.Errorf("record decision of %s: %w", d.WorkflowID, err)
	}
	out, err := db.decisions(ctx, `workflow_id = $1`, 1, d.WorkflowID)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("record decision of %s: not stored", d.WorkflowID)
	}
	return out[0], nil
}

// Decisions returns a schedule's newest decisions first ("" for every
// schedule), at most limit.
func (db *DB) Decisions(ctx context.Context, schedule string, limit int) ([]*mlctl.Decision, error) {
	if schedule == "" {
		return db.decisions(ctx, `TRUE`, limit)
	}
	return db.decisions(ctx, `schedule = $1`, limit, schedule)
}

func (db *DB) decisions(ctx context.Context, where string, limit int, args ...any) ([]*mlctl.Decision, error) {
	rows, err := db.pool.Query(ctx, fmt.Sprintf(`SELECT id, workflow_id, schedule, model, alias, outcome, reason,
		COALESCE(dataset_id, 0), COALESCE(challenger_id, 0), COALESCE(champion_id, 0), detail, created_at
		FROM retrain_decisions WHERE %s ORDER BY id DESC LIMIT %d`, where, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("read decisions: %w", err)
	}
	defer rows.Close()
	var out []*mlctl.Decision
	for rows.Next() {
		var d mlctl.Decision
		var detail []byte
		if err := rows.Scan(&d.ID, &d.WorkflowID, &d.Schedule, &d.Model, &d.Alias, &d.Outcome, &d.Reason,
			&d.DatasetID, &d.ChallengerID, &d.ChampionID, &detail, &d.CreatedAt); err != nil {
			return nil, fmt.Errorf("read decisions: %w", err)
		}
		d.Detail = detail
		out = append(out, &d)
	}
	return out, rows.Err()
}

// DecisionByID returns one decision (mlctl.ENOTFOUND when none).
func (db *DB) DecisionByID(ctx context.Context, id int64) (*mlctl.Decision, error) {
	out, err := db.decisions(ctx, `id = $1`, 1, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "decision %d not found", id)
	}
	return out[0], nil
}
