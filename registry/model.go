package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/jackc/pgx/v5"
)

// Model is one published, immutable model version (without its bytes).
type Model struct {
	ID              int64           `json:"id"`
	Name            string          `json:"name"`
	Version         int             `json:"version"`
	Algo            string          `json:"algo"`
	SHA256          string          `json:"sha256"`
	Size            int64           `json:"size_bytes"`
	Manifest        json.RawMessage `json:"manifest"`
	DatasetVersions []string        `json:"dataset_versions"`
	WorkflowID      string          `json:"workflow_id"`
	CreatedAt       time.Time       `json:"created_at"`
}

// Ref names the model version, e.g. "dga-gbdt@2".
func (m *Model) Ref() string { return mlctl.Ref(m.Name, m.Version) }

// NewModel is what publish hands the registry.
type NewModel struct {
	Name            string
	Algo            string
	Artifact        []byte
	SHA256          string // of Artifact; checked before storing
	Manifest        json.RawMessage
	DatasetVersions []string
	WorkflowID      string
	// Evaluations are stored in the same transaction (ModelID is filled in).
	Evaluations []Evaluation
}

// PublishModel stores a new model version. Publishing is idempotent per
// workflow ID: a retried publish returns the version the first one created
// (created is false) and never makes a second one. A name that fails
// mlctl.ValidateName is refused with mlctl.EINVALID.
func (db *DB) PublishModel(ctx context.Context, in NewModel) (m *Model, created bool, err error) {
	if err := mlctl.ValidateName("model", in.Name); err != nil {
		return nil, false, err
	}
	sum := sha256.Sum256(in.Artifact)
	if got := hex.EncodeToString(sum[:]); got != in.SHA256 {
		return nil, false, mlctl.Errorf(mlctl.ECORRUPT, "artifact of %s has sha256 %s, expected %s", in.Name, got, in.SHA256)
	}
	if in.WorkflowID == "" {
		return nil, false, mlctl.Errorf(mlctl.EINVALID, "publish %s: workflow id is empty", in.Name)
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('model:' || $1))`, in.Name); err != nil {
			return fmt.Errorf("lock model %s: %w", in.Name, err)
		}
		existing, err := findModel(ctx, tx, `workflow_id = $1`, in.WorkflowID)
		if err == nil {
			m = existing
			return nil
		}
		if mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
			return err
		}
		var version int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM models WHERE name = $1`, in.Name).Scan(&version); err != nil {
			return fmt.Errorf("next version of %s: %w", in.Name, err)
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO models (name, version, algo, sha256, size_bytes, manifest, artifact, dataset_versions, workflow_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			in.Name, version, in.Algo, in.SHA256, len(in.Artifact), in.Manifest, in.Artifact, in.DatasetVersions, in.WorkflowID).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert model %s: %w", in.Name, err)
		}
		for _, e := range in.Evaluations {
			e.ModelID = id
			if _, err := addEvaluation(ctx, tx, e); err != nil {
				return err
			}
		}
		m, err = findModel(ctx, tx, `id = $1`, id)
		created = true
		return err
	})
	return m, created, err
}

// ModelByWorkflow returns the model a workflow published, if any.
func (db *DB) ModelByWorkflow(ctx context.Context, workflowID string) (*Model, error) {
	return findModel(ctx, db.pool, `workflow_id = $1`, workflowID)
}

// Model returns a version by name; version 0 means the newest.
func (db *DB) Model(ctx context.Context, name string, version int) (*Model, error) {
	var m *Model
	var err error
	if version == 0 {
		m, err = findModel(ctx, db.pool, `name = $1 ORDER BY version DESC LIMIT 1`, name)
	} else {
		m, err = findModel(ctx, db.pool, `name = $1 AND version = $2`, name, version)
	}
	if mlctl.ErrorCode(err) == mlctl.ENOTFOUND {
		ref := name
		if version > 0 {
			ref = fmt.Sprintf("%s@%d", name, version)
		}
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "model %s not found (see `mlctl models list`)", ref)
	}
	return m, err
}

// Models lists every model version, newest first within each name.
func (db *DB) Models(ctx context.Context) ([]*Model, error) {
	rows, err := db.pool.Query(ctx, modelSelect+` ORDER BY name, version DESC`)
	if err != nil {
		return nil, fmt.Errorf("list models: %w", err)
	}
	defer rows.Close()
	var out []*Model
	for rows.Next() {
		m, err := scanModel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Artifact returns the stored bytes of a model version and the SHA-256 that
// was recorded when it was published. Callers must verify the bytes against
// it before use (see package artifact).
func (db *DB) Artifact(ctx context.Context, modelID int64) (data []byte, sha string, err error) {
	var ref string
	var pruned *time.Time
	err = db.pool.QueryRow(ctx, `SELECT artifact, sha256, name || '@' || version, pruned_at FROM models WHERE id = $1`, modelID).Scan(&data, &sha, &ref, &pruned)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", mlctl.Errorf(mlctl.ENOTFOUND, "model %d not found", modelID)
	}
	if err != nil {
		return nil, "", fmt.Errorf("read artifact of model %d: %w", modelID, err)
	}
	if data == nil {
		at := ""
		if pruned != nil {
			at = " on " + pruned.UTC().Format("2006-01-02 15:04")
		}
		return nil, "", mlctl.Errorf(mlctl.ENOTFOUND, "model %s: its artifact was pruned%s (only the newest versions, and those aliases use or used, keep their bytes)", ref, at)
	}
	return data, sha, nil
}

const modelSelect = `SELECT id, name, version, algo, sha256, size_bytes, manifest, dataset_versions, workflow_id, created_at FROM models`

func findModel(ctx context.Context, q querier, where string, args ...any) (*Model, error) {
	m, err := scanModel(q.QueryRow(ctx, modelSelect+` WHERE `+where, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "model not found")
	}
	return m, err
}

func scanModel(row pgx.Row) (*Model, error) {
	var m Model
	var manifest, versions []byte
	err := row.Scan(&m.ID, &m.Name, &m.Version, &m.Algo, &m.SHA256, &m.Size, &manifest, &versions, &m.WorkflowID, &m.CreatedAt)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("read model: %w", err)
	}
	m.Manifest = manifest
	if err := json.Unmarshal(versions, &m.DatasetVersions); err != nil {
		return nil, fmt.Errorf("model %d dataset versions: %w", m.ID, err)
	}
	return &m, nil
}

// ModelByID returns a model version by its id.
func (db *DB) ModelByID(ctx context.Context, id int64) (*Model, error) {
	m, err := findModel(ctx, db.pool, `id = $1`, id)
	if mlctl.ErrorCode(err) == mlctl.ENOTFOUND {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "model id %d not found", id)
	}
	return m, err
}
