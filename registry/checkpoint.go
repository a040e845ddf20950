package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/mlctl/mlctl"

	"github.com/jackc/pgx/v5"
)

// Checkpoint kinds.
const (
	KindCheckpoint = "checkpoint" // partial model saved during training
	KindCandidate  = "candidate"  // finished, unpublished model awaiting evaluation
)

// Checkpoint is a partial or finished model saved by a training workflow.
type Checkpoint struct {
	ID         int64
	WorkflowID string
	Kind       string
	Progress   int
	SHA256     string
	Artifact   []byte
}

// SaveCheckpoint stores bytes for a workflow; saving the same kind and
// progress again replaces them. It returns the row's id.
func (db *DB) SaveCheckpoint(ctx context.Context, c Checkpoint) (int64, error) {
	var id int64
	err := db.pool.QueryRow(ctx, `INSERT INTO checkpoints (workflow_id, kind, progress, sha256, artifact)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (workflow_id, kind, progress) DO UPDATE SET sha256 = EXCLUDED.sha256, artifact = EXCLUDED.artifact, created_at = now()
		RETURNING id`, c.WorkflowID, c.Kind, c.Progress, c.SHA256, c.Artifact).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("save %s of %s: %w", c.Kind, c.WorkflowID, err)
	}
	// Older checkpoints of the same workflow are no longer needed.
	if c.Kind == KindCheckpoint {
		if _, err := db.pool.Exec(ctx, `DELETE FROM checkpoints WHERE workflow_id = $1 AND kind = $2 AND progress < $3`,
			c.WorkflowID, c.Kind, c.Progress); err != nil {
			return 0, fmt.Errorf("prune checkpoints of %s: %w", c.WorkflowID, err)
		}
	}
	return id, nil
}

// CheckpointByID loads saved bytes by id.
func (db *DB) CheckpointByID(ctx context.Context, id int64) (*Checkpoint, error) {
	var c Checkpoint
	err := db.pool.QueryRow(ctx, `SELECT id, workflow_id, kind, progress, sha256, artifact FROM checkpoints WHERE id = $1`, id).
		Scan(&c.ID, &c.WorkflowID, &c.Kind, &c.Progress, &c.SHA256, &c.Artifact)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "checkpoint %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read checkpoint %d: %w", id, err)
	}
	return &c, nil
}

// DeleteCheckpoints removes everything a workflow saved (after publish).
func (db *DB) DeleteCheckpoints(ctx context.Context, workflowID string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM checkpoints WHERE workflow_id = $1`, workflowID); err != nil {
		return fmt.Errorf("delete checkpoints of %s: %w", workflowID, err)
	}
	return nil
}

// DeleteCheckpointsUnder removes everything saved under a key prefix: a
// tuning run's folds ("<run>/...").
func (db *DB) DeleteCheckpointsUnder(ctx context.Context, prefix string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM checkpoints WHERE starts_with(workflow_id, $1)`, prefix); err != nil {
		return fmt.Errorf("delete checkpoints under %s: %w", prefix, err)
	}
	return nil
}

// LatestCheckpoint returns the newest checkpoint of kind saved by a workflow.
func (db *DB) LatestCheckpoint(ctx context.Context, workflowID, kind string) (*Checkpoint, error) {
	var c Checkpoint
	err := db.pool.QueryRow(ctx, `SELECT id, workflow_id, kind, progress, sha256, artifact FROM checkpoints
		WHERE workflow_id = $1 AND kind = $2 ORDER BY progress DESC LIMIT 1`, workflowID, kind).
		Scan(&c.ID, &c.WorkflowID, &c.Kind, &c.Progress, &c.SHA256, &c.Artifact)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "no %s for %s", kind, workflowID)
	}
	if err != nil {
		return nil, fmt.Errorf("read latest %s of %s: %w", kind, workflowID, err)
	}
	return &c, nil
}
