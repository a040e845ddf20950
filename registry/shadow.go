package registry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/jackc/pgx/v5"
)

// ShadowBins is how many bins a shadow's score histograms have: equal
// widths over the scores' range (see ShadowStats).
const ShadowBins = 20

// Shadow is a challenger scored beside an alias's champion on live
// traffic: scorers of the alias score everything with both, alert only on
// the champion, and record how often the two disagree.
type Shadow struct {
	ID           int64      `json:"id"`
	Alias        string     `json:"alias"`
	ChampionID   int64      `json:"champion_id"`
	ChallengerID int64      `json:"challenger_id"`
	WorkflowID   string     `json:"workflow_id"`
	StartedAt    time.Time  `json:"started_at"`
	EndedAt      *time.Time `json:"ended_at,omitempty"`
	Outcome      string     `json:"outcome,omitempty"`
}

// StartShadow opens a shadow of challenger beside champion on alias and
// wakes the alias's scorers. It is idempotent for one workflow: the open
// shadow that workflow started is returned as it is. Another workflow's
// open shadow on the alias is ended ("replaced").
func (db *DB) StartShadow(ctx context.Context, alias string, championID, challengerID int64, workflowID string) (*Shadow, error) {
	var s *Shadow
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('shadow:' || $1))`, alias); err != nil {
			return fmt.Errorf("lock shadow of %s: %w", alias, err)
		}
		open, err := findShadow(ctx, tx, `alias = $1 AND ended_at IS NULL`, alias)
		switch {
		case err == nil && open.WorkflowID == workflowID && open.ChallengerID == challengerID:
			s = open
			return nil
		case err == nil:
			if _, err := tx.Exec(ctx, `UPDATE shadows SET ended_at = now(), outcome = 'replaced' WHERE id = $1`, open.ID); err != nil {
				return fmt.Errorf("end shadow %d: %w", open.ID, err)
			}
		case mlctl.ErrorCode(err) != mlctl.ENOTFOUND:
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO shadows (alias, champion_id, challenger_id, workflow_id) VALUES ($1, $2, $3, $4) RETURNING id`,
			alias, championID, challengerID, workflowID).Scan(&id); err != nil {
			return fmt.Errorf("start shadow on %s: %w", alias, err)
		}
		if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, AliasChannel, alias); err != nil {
			return fmt.Errorf("notify %s: %w", alias, err)
		}
		s, err = findShadow(ctx, tx, `id = $1`, id)
		return err
	})
	return s, err
}

// EndShadow closes a shadow with its outcome (kept if already closed) and
// wakes the alias's scorers, which drop the challenger.
func (db *DB) EndShadow(ctx context.Context, id int64, outcome string) (*Shadow, error) {
	var s *Shadow
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE shadows SET ended_at = now(), outcome = $2 WHERE id = $1 AND ended_at IS NULL`, id, outcome); err != nil {
			return fmt.Errorf("end shadow %d: %w", id, err)
		}
		var err error
		if s, err = findShadow(ctx, tx, `id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, AliasChannel, s.Alias); err != nil {
			return fmt.Errorf("notify %s: %w", s.Alias, err)
		}
		return nil
	})
	return s, err
}

// OpenShadow returns the alias's open shadow (mlctl.ENOTFOUND when none).
func (db *DB) OpenShadow(ctx context.Context, alias string) (*Shadow, error) {
	return findShadow(ctx, db.pool, `alias = $1 AND ended_at IS NULL`, alias)
}

// LatestShadow returns the newest shadow of challenger on alias, open or
// not (mlctl.ENOTFOUND when it was never shadowed there).
func (db *DB) LatestShadow(ctx context.Context, alias string, challengerID int64) (*Shadow, error) {
	return findShadow(ctx, db.pool, `alias = $1 AND challenger_id = $2`, alias, challengerID)
}

func findShadow(ctx context.Context, q querier, where string, args ...any) (*Shadow, error) {
	var s Shadow
	err := q.QueryRow(ctx, `SELECT id, alias, champion_id, challenger_id, workflow_id, started_at, ended_at, COALESCE(outcome, '')
		FROM shadows WHERE `+where+` ORDER BY id DESC LIMIT 1`, args...).
		Scan(&s.ID, &s.Alias, &s.ChampionID, &s.ChallengerID, &s.WorkflowID, &s.StartedAt, &s.EndedAt, &s.Outcome)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "no such shadow")
	}
	if err != nil {
		return nil, fmt.Errorf("read shadow: %w", err)
	}
	return &s, nil
}

// ShadowStats is one scorer's running totals for a shadow: inputs scored by
// both models, how many the two labeled differently (each at its own
// threshold), each one's alerts (would-be alerts for the challenger), and
// histograms of each one's scores.
//
// The histograms have ShadowBins equal bins over [0, 1]: bin i holds the
// scores in [i/ShadowBins, (i+1)/ShadowBins), the last bin also 1. Scores
// outside [0, 1] are clamped into the end bins and NaN counts in bin 0.
// Every model kind scores in [0, 1] as the scorer reports it: gbdt and rf
// give a probability; an isolation forest's normalised score s, which is
// in [-1, 0] (the bot detector's scale, lower is more anomalous), is reported as
// -s (artifact's anomaly), so it is binned as it is, with no shift. Nil
// histograms are saved as ShadowBins zeros (nothing scored yet).
type ShadowStats struct {
	ShadowID         int64     `json:"shadow_id"`
	ScorerID         string    `json:"scorer_id"`
	Scored           int64     `json:"scored"`
	Disagreements    int64     `json:"disagreements"`
	ChampionAlerts   int64     `json:"champion_alerts"`
	ChallengerAlerts int64     `json:"challenger_alerts"`
	ChampionHist     []int64   `json:"champion_hist"`
	ChallengerHist   []int64   `json:"challenger_hist"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// SaveShadowStats records a scorer's totals for a shadow (replacing what it
// recorded before).
func (db *DB) SaveShadowStats(ctx context.Context, s ShadowStats) error {
	var err error
	if s.ChampionHist, err = shadowHist(s, "champion", s.ChampionHist); err != nil {
		return err
	}
	if s.ChallengerHist, err = shadowHist(s, "challenger", s.ChallengerHist); err != nil {
		return err
	}
	_, err = db.pool.Exec(ctx, `INSERT INTO shadow_stats (shadow_id, scorer_id, scored, disagreements, champion_alerts, challenger_alerts, champion_hist, challenger_hist)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (shadow_id, scorer_id) DO UPDATE SET scored = EXCLUDED.scored, disagreements = EXCLUDED.disagreements,
			champion_alerts = EXCLUDED.champion_alerts, challenger_alerts = EXCLUDED.challenger_alerts,
			champion_hist = EXCLUDED.champion_hist, challenger_hist = EXCLUDED.challenger_hist, updated_at = now()`,
		s.ShadowID, s.ScorerID, s.Scored, s.Disagreements, s.ChampionAlerts, s.ChallengerAlerts, s.ChampionHist, s.ChallengerHist)
	if err != nil {
		return fmt.Errorf("record shadow %d stats of scorer %s: %w", s.ShadowID, s.ScorerID, err)
	}
	return nil
}

// shadowHist returns h, or ShadowBins zeros for none (the column is NOT
// NULL); a histogram of another length is mlctl.EINVALID.
func shadowHist(s ShadowStats, whose string, h []int64) ([]int64, error) {
	switch len(h) {
	case 0:
		return make([]int64, ShadowBins), nil
	case ShadowBins:
		return h, nil
	}
	return nil, mlctl.Errorf(mlctl.EINVALID, "shadow %d stats of scorer %s: %s histogram has %d bins, want %d", s.ShadowID, s.ScorerID, whose, len(h), ShadowBins)
}

// ShadowSummary is a shadow's totals over every scorer.
type ShadowSummary struct {
	Shadow
	Scorers int `json:"scorers"`
	ShadowStats
	// DisagreementRate is Disagreements/Scored (0 when nothing was scored).
	DisagreementRate float64 `json:"disagreement_rate"`
	// Seconds is how long it has run (until it ended, or until now).
	Seconds float64 `json:"seconds"`
}

// SummariseShadow adds up a shadow's stats over its scorers.
func (db *DB) SummariseShadow(ctx context.Context, id int64) (*ShadowSummary, error) {
	s, err := findShadow(ctx, db.pool, `id = $1`, id)
	if err != nil {
		return nil, err
	}
	sum := &ShadowSummary{Shadow: *s}
	sum.ShadowID = id
	sum.ChampionHist, sum.ChallengerHist = make([]int64, ShadowBins), make([]int64, ShadowBins)
	rows, err := db.pool.Query(ctx, `SELECT scored, disagreements, champion_alerts, challenger_alerts, champion_hist, challenger_hist, updated_at
		FROM shadow_stats WHERE shadow_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("read shadow %d stats: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var st ShadowStats
		if err := rows.Scan(&st.Scored, &st.Disagreements, &st.ChampionAlerts, &st.ChallengerAlerts, &st.ChampionHist, &st.ChallengerHist, &st.UpdatedAt); err != nil {
			return nil, fmt.Errorf("read shadow %d stats: %w", id, err)
		}
		sum.Scorers++
		sum.Scored += st.Scored
		sum.Disagreements += st.Disagreements
		sum.ChampionAlerts += st.ChampionAlerts
		sum.ChallengerAlerts += st.ChallengerAlerts
		addHist(sum.ChampionHist, st.ChampionHist)
		addHist(sum.ChallengerHist, st.ChallengerHist)
		if st.UpdatedAt.After(sum.UpdatedAt) {
			sum.UpdatedAt = st.UpdatedAt
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read shadow %d stats: %w", id, err)
	}
	if sum.Scored > 0 {
		sum.DisagreementRate = float64(sum.Disagreements) / float64(sum.Scored)
	}
	end := time.Now()
	if s.EndedAt != nil {
		end = *s.EndedAt
	}
	sum.Seconds = end.Sub(s.StartedAt).Seconds()
	return sum, nil
}

func addHist(dst, src []int64) {
	for i := range min(len(dst), len(src)) {
		dst[i] += src[i]
	}
}
