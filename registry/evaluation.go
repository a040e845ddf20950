package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Evaluation is a stored evaluation of a model on part of a dataset.
type Evaluation struct {
	ID           int64           `json:"id"`
	ModelID      int64           `json:"model_id"`
	DatasetIDs   []int64         `json:"dataset_ids"`
	Part         string          `json:"part"` // validation, test or all
	Threshold    float64         `json:"threshold"`
	Confusion    json.RawMessage `json:"confusion"`
	Metrics      json.RawMessage `json:"metrics"`
	FamilyRecall json.RawMessage `json:"family_recall"`
	Rows         int64           `json:"rows"`
	CreatedAt    time.Time       `json:"created_at"`
}

// AddEvaluation stores an evaluation and returns its id.
func (db *DB) AddEvaluation(ctx context.Context, e Evaluation) (int64, error) {
	return addEvaluation(ctx, db.pool, e)
}

func addEvaluation(ctx context.Context, q querier, e Evaluation) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `INSERT INTO evaluations (model_id, dataset_ids, part, threshold, confusion, metrics, family_recall, row_count)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		e.ModelID, e.DatasetIDs, e.Part, e.Threshold, e.Confusion, e.Metrics, e.FamilyRecall, e.Rows).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert evaluation of model %d: %w", e.ModelID, err)
	}
	return id, nil
}

// Evaluations lists a model's evaluations, oldest first.
func (db *DB) Evaluations(ctx context.Context, modelID int64) ([]Evaluation, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, model_id, dataset_ids, part, threshold, confusion, metrics, family_recall, row_count, created_at
		FROM evaluations WHERE model_id = $1 ORDER BY id`, modelID)
	if err != nil {
		return nil, fmt.Errorf("list evaluations of model %d: %w", modelID, err)
	}
	defer rows.Close()
	var out []Evaluation
	for rows.Next() {
		var e Evaluation
		var c, m, f []byte
		if err := rows.Scan(&e.ID, &e.ModelID, &e.DatasetIDs, &e.Part, &e.Threshold, &c, &m, &f, &e.Rows, &e.CreatedAt); err != nil {
			return nil, fmt.Errorf("read evaluation: %w", err)
		}
		e.Confusion, e.Metrics, e.FamilyRecall = c, m, f
		out = append(out, e)
	}
	return out, rows.Err()
}
