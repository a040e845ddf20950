package registry

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/mlctl/mlctl"
)

// LiveSample is one scorer's reservoir sample of the feature vectors a
// model scored on live traffic, which drift checks compare with the
// model's training data.
type LiveSample struct {
	ModelID  int64    `json:"model_id"`
	ScorerID string   `json:"scorer_id"`
	Columns  []string `json:"columns"`
	// Rows are the sampled vectors (each len(Columns) long); Seen counts
	// the vectors offered to the sample.
	Rows      [][]float64 `json:"-"`
	Seen      int64       `json:"seen"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// SaveLiveSample records a scorer's sample for a model, replacing what it
// recorded before.
func (db *DB) SaveLiveSample(ctx context.Context, s LiveSample) error {
	if s.Columns == nil {
		s.Columns = []string{} // no named features: an empty list, not NULL
	}
	buf := make([]byte, 0, 8*len(s.Rows)*len(s.Columns))
	for i, r := range s.Rows {
		if len(r) != len(s.Columns) {
			return mlctl.Errorf(mlctl.EINVALID, "live sample of model %d: row %d has %d values for %d columns", s.ModelID, i, len(r), len(s.Columns))
		}
		for _, v := range r {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
		}
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO live_samples (model_id, scorer_id, columns, rows, seen, sample) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (model_id, scorer_id) DO UPDATE SET columns = EXCLUDED.columns, rows = EXCLUDED.rows, seen = EXCLUDED.seen,
			sample = EXCLUDED.sample, updated_at = now()`,
		s.ModelID, s.ScorerID, s.Columns, len(s.Rows), s.Seen, buf)
	if err != nil {
		return fmt.Errorf("record live sample of model %d from scorer %s: %w", s.ModelID, s.ScorerID, err)
	}
	return nil
}

// LiveSamples returns the samples scorers recorded for a model since the
// given time, newest first.
func (db *DB) LiveSamples(ctx context.Context, modelID int64, since time.Time) ([]LiveSample, error) {
	rows, err := db.pool.Query(ctx, `SELECT scorer_id, columns, rows, seen, sample, updated_at FROM live_samples
		WHERE model_id = $1 AND updated_at >= $2 ORDER BY updated_at DESC, scorer_id`, modelID, since)
	if err != nil {
		return nil, fmt.Errorf("read live samples of model %d: %w", modelID, err)
	}
	defer rows.Close()
	var out []LiveSample
	for rows.Next() {
		s := LiveSample{ModelID: modelID}
		var n int
		var raw []byte
		if err := rows.Scan(&s.ScorerID, &s.Columns, &n, &s.Seen, &raw, &s.UpdatedAt); err != nil {
			return nil, fmt.Errorf("read live samples of model %d: %w", modelID, err)
		}
		w := len(s.Columns)
		if len(raw) != 8*n*w {
			return nil, mlctl.Errorf(mlctl.ECORRUPT, "live sample of model %d from scorer %s: %d bytes for %d rows of %d columns", modelID, s.ScorerID, len(raw), n, w)
		}
		s.Rows = make([][]float64, n)
		for i := range s.Rows {
			r := make([]float64, w)
			for j := range r {
				r[j] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*(i*w+j):]))
			}
			s.Rows[i] = r
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
