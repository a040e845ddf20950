package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mlctl/mlctl"
)

// TuningRun is one `mlctl tune` run: its Tune workflow's ID, what it
// searched, and the model its best trial became.
type TuningRun struct {
	ID       string          `json:"id"`
	Algo     string          `json:"algo"`
	Datasets []string        `json:"datasets"`
	Spec     json.RawMessage `json:"spec"`
	Status   string          `json:"status"` // running, done, failed
	// BestTrial is the best trial's number (-1: none yet).
	BestTrial    int        `json:"best_trial"`
	Model        string     `json:"model,omitempty"`
	ModelVersion int        `json:"model_version,omitempty"`
	Error        string     `json:"error,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	FinishedAt   *time.Time `json:"finished_at,omitempty"`
}

// CreateTuningRun records a run once: a retried call leaves the stored
// run as it is.
func (db *DB) CreateTuningRun(ctx context.Context, r TuningRun) error {
	if r.Datasets == nil {
		r.Datasets = []string{}
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO tuning_runs (id, algo, datasets, spec) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
		r.ID, r.Algo, r.Datasets, []byte(r.Spec))
	if err != nil {
		return fmt.Errorf("record tuning run %s: %w", r.ID, err)
	}
	return nil
}

// RecordTrial stores a trial as it stands now, replacing what was stored.
func (db *DB) RecordTrial(ctx context.Context, t mlctl.Trial) error {
	params, err := json.Marshal(t.Params)
	if err != nil {
		return err
	}
	folds := t.FoldValues
	if folds == nil {
		folds = []float64{}
	}
	if t.Workers == nil {
		t.Workers = []string{}
	}
	finished := t.Status != mlctl.TrialRunning
	_, err = db.pool.Exec(ctx, `INSERT INTO tuning_trials (run_id, trial, params, status, rung, units, value, fold_values, seconds, workers, error, finished_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CASE WHEN $12 THEN now() END)
		ON CONFLICT (run_id, trial) DO UPDATE SET params = EXCLUDED.params, status = EXCLUDED.status, rung = EXCLUDED.rung,
			units = EXCLUDED.units, value = EXCLUDED.value, fold_values = EXCLUDED.fold_values, seconds = EXCLUDED.seconds,
			workers = EXCLUDED.workers, error = EXCLUDED.error,
			finished_at = CASE WHEN $12 THEN COALESCE(tuning_trials.finished_at, now()) END`,
		t.RunID, t.Number, params, t.Status, t.Rung, t.Units, t.Value, folds, t.Seconds, t.Workers, t.Error, finished)
	if err != nil {
		return fmt.Errorf("record trial %d of %s: %w", t.Number, t.RunID, err)
	}
	return nil
}

// FinishTuningRun records how a run ended: its status (done or failed),
// best trial (-1: none), the model its best trial was published as, and an
// error.
func (db *DB) FinishTuningRun(ctx context.Context, id, status string, best int, model string, version int, errMsg string) error {
	var bestTrial *int
	if best >= 0 {
		bestTrial = &best
	}
	tag, err := db.pool.Exec(ctx, `UPDATE tuning_runs SET status = $2, best_trial = $3, model = $4, model_version = $5, error = $6,
		finished_at = COALESCE(finished_at, now()) WHERE id = $1`, id, status, bestTrial, model, version, errMsg)
	if err != nil {
		return fmt.Errorf("finish tuning run %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return mlctl.Errorf(mlctl.ENOTFOUND, "tuning run %s not found", id)
	}
	return nil
}

// TuningRuns returns the newest runs first, at most limit.
func (db *DB) TuningRuns(ctx context.Context, limit int) ([]*TuningRun, error) {
	return db.tuningRuns(ctx, `TRUE ORDER BY created_at DESC, id LIMIT $1`, limit)
}

// TuningRun returns a run and its trials in trial order (ENOTFOUND when
// there is no such run).
func (db *DB) TuningRun(ctx context.Context, id string) (*TuningRun, []*mlctl.Trial, error) {
	runs, err := db.tuningRuns(ctx, `id = $1`, id)
	if err != nil {
		return nil, nil, err
	}
	if len(runs) == 0 {
		return nil, nil, mlctl.Errorf(mlctl.ENOTFOUND, "tuning run %s not found (mlctl tune list shows the runs)", id)
	}
	rows, err := db.pool.Query(ctx, `SELECT trial, params, status, rung, units, value, fold_values, seconds, workers, error, started_at, finished_at
		FROM tuning_trials WHERE run_id = $1 ORDER BY trial`, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read trials of %s: %w", id, err)
	}
	trials, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*mlctl.Trial, error) {
		t := &mlctl.Trial{RunID: id}
		var params []byte
		if err := row.Scan(&t.Number, &params, &t.Status, &t.Rung, &t.Units, &t.Value, &t.FoldValues, &t.Seconds, &t.Workers, &t.Error, &t.StartedAt, &t.FinishedAt); err != nil {
			return nil, err
		}
		return t, json.Unmarshal(params, &t.Params)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read trials of %s: %w", id, err)
	}
	return runs[0], trials, nil
}

func (db *DB) tuningRuns(ctx context.Context, where string, args ...any) ([]*TuningRun, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, algo, datasets, spec, status, COALESCE(best_trial, -1), model, model_version, error, created_at, finished_at
		FROM tuning_runs WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read tuning runs: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*TuningRun, error) {
		var r TuningRun
		var spec []byte
		err := row.Scan(&r.ID, &r.Algo, &r.Datasets, &spec, &r.Status, &r.BestTrial, &r.Model, &r.ModelVersion, &r.Error, &r.CreatedAt, &r.FinishedAt)
		r.Spec = spec
		return &r, err
	})
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("read tuning runs: %w", err)
	}
	return out, nil
}
