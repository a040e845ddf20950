package registry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/jackc/pgx/v5"
)

// AliasChannel is the PostgreSQL NOTIFY channel an alias change is announced
// on (the payload is the alias name); scorers LISTEN on it.
const AliasChannel = "mlctl_alias"

// Alias is where a name points now.
type Alias struct {
	Name      string    `json:"alias"`
	Model     *Model    `json:"model"`
	ChangeID  int64     `json:"change_id"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AliasChange is one row of an alias's history.
type AliasChange struct {
	ID         int64     `json:"id"`
	Alias      string    `json:"alias"`
	From       string    `json:"from,omitempty"` // MODEL@V, "" for the first change
	FromID     int64     `json:"from_model_id,omitempty"`
	To         string    `json:"to"`
	ToID       int64     `json:"to_model_id"`
	Action     string    `json:"action"`
	Reason     string    `json:"reason"`
	WorkflowID string    `json:"workflow_id"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
}

// MoveAlias is a request to point an alias at a model.
type MoveAlias struct {
	Alias      string
	ModelID    int64
	Action     string
	Reason     string
	WorkflowID string
	By         string
	// ExpectFromID, when not nil, is the model the alias must point at now
	// (0: the alias must not exist); otherwise the move is refused with
	// mlctl.ECONFLICT, so two rollouts cannot overwrite each other unseen.
	ExpectFromID *int64
}

// ValidAliasName reports whether name can be an alias: mlctl.ValidateName,
// the rule models, datasets and schedules follow too.
func ValidAliasName(name string) error { return mlctl.ValidateName("alias", name) }

// SetAlias moves an alias in one transaction: it records the change in the
// history and points the alias at the model; NotifyAlias tells scorers. It
// is idempotent per (workflow ID, action): a retry returns the
// change the first call made.
func (db *DB) SetAlias(ctx context.Context, in MoveAlias) (*AliasChange, error) {
	if err := ValidAliasName(in.Alias); err != nil {
		return nil, err
	}
	var change *AliasChange
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('alias:' || $1))`, in.Alias); err != nil {
			return fmt.Errorf("lock alias %s: %w", in.Alias, err)
		}
		if in.WorkflowID != "" {
			c, err := findAliasChange(ctx, tx, `h.workflow_id = $1 AND h.action = $2`, in.WorkflowID, in.Action)
			if err == nil {
				change = c
				return nil
			}
			if mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
				return err
			}
		}
		var from *int64
		err := tx.QueryRow(ctx, `SELECT model_id FROM aliases WHERE name = $1`, in.Alias).Scan(&from)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("read alias %s: %w", in.Alias, err)
		}
		if in.ExpectFromID != nil {
			var cur int64
			if from != nil {
				cur = *from
			}
			if cur != *in.ExpectFromID {
				return mlctl.Errorf(mlctl.ECONFLICT, "alias %s moved while this change was prepared (now model id %d, expected %d); run it again", in.Alias, cur, *in.ExpectFromID)
			}
		}
		var id int64
		var at time.Time
		err = tx.QueryRow(ctx, `INSERT INTO alias_history (alias, from_model_id, to_model_id, action, reason, workflow_id, changed_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, changed_at`,
			in.Alias, from, in.ModelID, in.Action, in.Reason, in.WorkflowID, in.By).Scan(&id, &at)
		if err != nil {
			return fmt.Errorf("record change of alias %s: %w", in.Alias, err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO aliases (name, model_id, change_id, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (name) DO UPDATE SET model_id = EXCLUDED.model_id, change_id = EXCLUDED.change_id, updated_at = EXCLUDED.updated_at`,
			in.Alias, in.ModelID, id, at)
		if err != nil {
			return fmt.Errorf("move alias %s: %w", in.Alias, err)
		}
		change, err = findAliasChange(ctx, tx, `h.id = $1`, id)
		return err
	})
	return change, err
}

// GetAlias returns where an alias points.
func (db *DB) GetAlias(ctx context.Context, name string) (*Alias, error) {
	var a Alias
	var modelID int64
	err := db.pool.QueryRow(ctx, `SELECT name, model_id, change_id, updated_at FROM aliases WHERE name = $1`, name).
		Scan(&a.Name, &modelID, &a.ChangeID, &a.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "alias %s is not set (promote a model to it: `mlctl promote MODEL@V --alias %s`)", name, name)
	}
	if err != nil {
		return nil, fmt.Errorf("read alias %s: %w", name, err)
	}
	if a.Model, err = findModel(ctx, db.pool, `id = $1`, modelID); err != nil {
		return nil, fmt.Errorf("model of alias %s: %w", name, err)
	}
	return &a, nil
}

// Aliases lists every alias.
func (db *DB) Aliases(ctx context.Context) ([]*Alias, error) {
	rows, err := db.pool.Query(ctx, `SELECT name FROM aliases ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list aliases: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list aliases: %w", err)
	}
	out := make([]*Alias, 0, len(names))
	for _, n := range names {
		a, err := db.GetAlias(ctx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// AliasHistory lists the changes of one alias ("" for all), newest first.
func (db *DB) AliasHistory(ctx context.Context, alias string) ([]*AliasChange, error) {
	where, args := `TRUE`, []any{}
	if alias != "" {
		where, args = `h.alias = $1`, []any{alias}
	}
	rows, err := db.pool.Query(ctx, aliasChangeSelect+` WHERE `+where+` ORDER BY h.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("alias history: %w", err)
	}
	defer rows.Close()
	var out []*AliasChange
	for rows.Next() {
		c, err := scanAliasChange(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RollbackTarget returns the model an alias served before its current model
// was promoted: the `from` of the newest promotion to the current model.
// Rolling back twice therefore walks back two promotions.
func (db *DB) RollbackTarget(ctx context.Context, alias string) (*Model, error) {
	cur, err := db.GetAlias(ctx, alias)
	if err != nil {
		return nil, err
	}
	var from *int64
	err = db.pool.QueryRow(ctx, `SELECT from_model_id FROM alias_history
		WHERE alias = $1 AND to_model_id = $2 AND action = 'promote' ORDER BY id DESC LIMIT 1`, alias, cur.Model.ID).Scan(&from)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && from == nil) {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "alias %s: nothing to roll back to (%s was its first model); name one with --to MODEL@V", alias, cur.Model.Ref())
	}
	if err != nil {
		return nil, fmt.Errorf("history of alias %s: %w", alias, err)
	}
	return findModel(ctx, db.pool, `id = $1`, *from)
}

const aliasChangeSelect = `SELECT h.id, h.alias, h.from_model_id, COALESCE(f.name || '@' || f.version, ''), h.to_model_id,
	t.name || '@' || t.version, h.action, h.reason, h.workflow_id, h.changed_by, h.changed_at
	FROM alias_history h LEFT JOIN models f ON f.id = h.from_model_id JOIN models t ON t.id = h.to_model_id`

func findAliasChange(ctx context.Context, q querier, where string, args ...any) (*AliasChange, error) {
	c, err := scanAliasChange(q.QueryRow(ctx, aliasChangeSelect+` WHERE `+where, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "alias change not found")
	}
	return c, err
}

func scanAliasChange(row pgx.Row) (*AliasChange, error) {
	var c AliasChange
	var from *int64
	err := row.Scan(&c.ID, &c.Alias, &from, &c.From, &c.ToID, &c.To, &c.Action, &c.Reason, &c.WorkflowID, &c.By, &c.At)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("read alias change: %w", err)
	}
	if from != nil {
		c.FromID = *from
	}
	return &c, nil
}

// NotifyAlias tells listening scorers that an alias may have moved.
func (db *DB) NotifyAlias(ctx context.Context, alias string) error {
	if _, err := db.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, AliasChannel, alias); err != nil {
		return fmt.Errorf("notify scorers of alias %s: %w", alias, err)
	}
	return nil
}
