package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ScorerChannel is the NOTIFY channel a scorer announces itself on after a
// heartbeat that changed its model (the payload is its id); rollouts LISTEN
// on it to confirm quickly and poll as the fallback.
const ScorerChannel = "mlctl_scorer"

// ScorerLiveness is how recent a scorer's last heartbeat must be for it to
// count as live: a rollout waits for every live scorer of the alias.
const ScorerLiveness = 10 * time.Second

// Scorer is one serving worker's heartbeat row.
type Scorer struct {
	ID     string `json:"id"`
	Host   string `json:"host"`
	PID    int    `json:"pid"`
	Alias  string `json:"alias"`
	Listen string `json:"listen"`
	// ModelID is the loaded model (0: none yet); Model is its MODEL@V.
	ModelID int64  `json:"model_id,omitempty"`
	Model   string `json:"model,omitempty"`
	SHA256  string `json:"sha256,omitempty"`
	// ChangeID is the alias change the scorer has acted on (loaded, or
	// refused and kept its model).
	ChangeID int64      `json:"change_id"`
	LoadedAt *time.Time `json:"loaded_at,omitempty"`
	// RefusedModelID is the last model it refused to load (0: none), with
	// LastError saying why.
	RefusedModelID int64           `json:"refused_model_id,omitempty"`
	LastError      string          `json:"last_error,omitempty"`
	Counters       json.RawMessage `json:"counters"`
	StartedAt      time.Time       `json:"started_at"`
	LastSeen       time.Time       `json:"last_seen"`
	StoppedAt      *time.Time      `json:"stopped_at,omitempty"`
	// Live is true when it heartbeat within ScorerLiveness and has not stopped.
	Live bool `json:"live"`
}

// ScorerBeat is what a scorer reports with each heartbeat.
type ScorerBeat struct {
	ID, Host, Alias, Listen string
	PID                     int
	ModelID                 int64 // 0: none loaded
	SHA256                  string
	ChangeID                int64
	LoadedAt                time.Time // zero: none loaded
	RefusedModelID          int64
	LastError               string
	Counters                any // marshalled to JSON
	StartedAt               time.Time
	// Stopped marks a clean shutdown: the scorer no longer counts as live.
	Stopped bool
	// Announce notifies ScorerChannel (after a model change or refusal).
	Announce bool
}

// Heartbeat records a scorer's state and refreshes its last_seen.
func (db *DB) Heartbeat(ctx context.Context, b ScorerBeat) error {
	counters, err := json.Marshal(b.Counters)
	if err != nil {
		return fmt.Errorf("scorer %s counters: %w", b.ID, err)
	}
	var model, refused *int64
	if b.ModelID != 0 {
		model = &b.ModelID
	}
	if b.RefusedModelID != 0 {
		refused = &b.RefusedModelID
	}
	var loaded *time.Time
	if !b.LoadedAt.IsZero() {
		loaded = &b.LoadedAt
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO scorers (id, host, pid, alias, listen, model_id, sha256, change_id, loaded_at,
				refused_model_id, last_error, counters, started_at, last_seen, stopped_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, clock_timestamp(), CASE WHEN $14 THEN clock_timestamp() END)
			ON CONFLICT (id) DO UPDATE SET model_id = EXCLUDED.model_id, sha256 = EXCLUDED.sha256, change_id = EXCLUDED.change_id,
				loaded_at = EXCLUDED.loaded_at, refused_model_id = EXCLUDED.refused_model_id, last_error = EXCLUDED.last_error,
				counters = EXCLUDED.counters, last_seen = EXCLUDED.last_seen, stopped_at = EXCLUDED.stopped_at`,
			b.ID, b.Host, b.PID, b.Alias, b.Listen, model, b.SHA256, b.ChangeID, loaded, refused, b.LastError, counters, b.StartedAt, b.Stopped)
		if err != nil {
			return fmt.Errorf("heartbeat of scorer %s: %w", b.ID, err)
		}
		if b.Announce {
			if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, ScorerChannel, b.ID); err != nil {
				return fmt.Errorf("announce scorer %s: %w", b.ID, err)
			}
		}
		return nil
	})
}

// Scorers lists scorers (of one alias, or all for ""), live ones first,
// then by id. Scorers stopped or silent for over a day are left out.
func (db *DB) Scorers(ctx context.Context, alias string) ([]*Scorer, error) {
	rows, err := db.pool.Query(ctx, `SELECT s.id, s.host, s.pid, s.alias, s.listen, COALESCE(s.model_id, 0),
			COALESCE(m.name || '@' || m.version, ''), s.sha256, s.change_id, s.loaded_at, COALESCE(s.refused_model_id, 0),
			s.last_error, s.counters, s.started_at, s.last_seen, s.stopped_at,
			s.stopped_at IS NULL AND s.last_seen > clock_timestamp() - make_interval(secs => $2)
		FROM scorers s LEFT JOIN models m ON m.id = s.model_id
		WHERE ($1 = '' OR s.alias = $1) AND s.last_seen > clock_timestamp() - interval '1 day'
		ORDER BY 17 DESC, s.id`, alias, ScorerLiveness.Seconds())
	if err != nil {
		return nil, fmt.Errorf("list scorers: %w", err)
	}
	defer rows.Close()
	var out []*Scorer
	for rows.Next() {
		var s Scorer
		var counters []byte
		if err := rows.Scan(&s.ID, &s.Host, &s.PID, &s.Alias, &s.Listen, &s.ModelID, &s.Model, &s.SHA256, &s.ChangeID,
			&s.LoadedAt, &s.RefusedModelID, &s.LastError, &counters, &s.StartedAt, &s.LastSeen, &s.StoppedAt, &s.Live); err != nil {
			return nil, fmt.Errorf("read scorer: %w", err)
		}
		s.Counters = counters
		out = append(out, &s)
	}
	return out, rows.Err()
}

// PruneScorers deletes the rows of scorers silent for longer than age.
func (db *DB) PruneScorers(ctx context.Context, age time.Duration) (int64, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM scorers WHERE last_seen < clock_timestamp() - make_interval(secs => $1)`, age.Seconds())
	if err != nil {
		return 0, fmt.Errorf("prune scorers: %w", err)
	}
	return tag.RowsAffected(), nil
}
