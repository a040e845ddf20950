package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/jackc/pgx/v5"

	"github.com/mlctl/mlctl/datasets"
)

// SourceFile describes one file that went into a dataset version.
type SourceFile struct {
	Path       string `json:"path"`
	SHA256     string `json:"sha256"`
	Lines      int    `json:"lines"`
	Rows       int    `json:"rows"`
	Bad        int    `json:"bad"`
	Duplicates int    `json:"duplicates"`
}

// Dataset is one immutable version of a named dataset.
type Dataset struct {
	ID           int64          `json:"id"`
	Name         string         `json:"name"`
	Version      int            `json:"version"`
	Kind         string         `json:"kind"`
	SHA256       string         `json:"sha256"`
	Rows         int64          `json:"rows"`
	LabelCounts  map[string]int `json:"label_counts"`
	FamilyCounts map[string]int `json:"family_counts"`
	SourceFiles  []SourceFile   `json:"source_files"`
	BadRows      int64          `json:"bad_rows"`
	// Columns name the values of a flow or tabular dataset's rows (empty
	// for names).
	Columns   []string  `json:"columns,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Ref names the dataset version, e.g. "dga@3".
func (d *Dataset) Ref() string { return mlctl.Ref(d.Name, d.Version) }

// NewDataset is what ingest hands the registry.
type NewDataset struct {
	Name   string
	Kind   string
	SHA256 string
	Rows   []datasets.Row // canonical order
	// Columns and Vectors hold a flow or tabular dataset instead of Rows.
	Columns     []string
	Vectors     []datasets.VectorRow
	SourceFiles []SourceFile
	BadRows     int
}

// CreateDataset stores a new dataset version, loading its rows with COPY. If
// a version with the same name, kind and content hash exists, it is returned
// unchanged and created is false. A name that fails mlctl.ValidateName is
// refused with mlctl.EINVALID.
func (db *DB) CreateDataset(ctx context.Context, in NewDataset) (d *Dataset, created bool, err error) {
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		d, created, err = createDataset(ctx, tx, in)
		return err
	})
	return d, created, err
}

// createDataset is CreateDataset inside the caller's transaction.
func createDataset(ctx context.Context, tx pgx.Tx, in NewDataset) (d *Dataset, created bool, err error) {
	if err := mlctl.ValidateName("dataset", in.Name); err != nil {
		return nil, false, err
	}
	err = func() error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('dataset:' || $1))`, in.Name); err != nil {
			return fmt.Errorf("lock dataset %s: %w", in.Name, err)
		}
		existing, err := findDataset(ctx, tx, `name = $1 AND kind = $2 AND sha256 = $3`, in.Name, in.Kind, in.SHA256)
		if err == nil {
			d = existing
			return nil
		}
		if mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
			return err
		}
		var other string
		err = tx.QueryRow(ctx, `SELECT kind FROM datasets WHERE name = $1 LIMIT 1`, in.Name).Scan(&other)
		if err == nil && other != in.Kind {
			return mlctl.Errorf(mlctl.ECONFLICT, "dataset %s already exists with kind %s, not %s", in.Name, other, in.Kind)
		}
		if in.SourceFiles == nil {
			in.SourceFiles = []SourceFile{}
		}
		if len(in.Vectors) > 0 && len(in.Rows) > 0 {
			return mlctl.Errorf(mlctl.EINVALID, "dataset %s: rows of names and vectors together", in.Name)
		}
		for i, v := range in.Vectors {
			if len(v.Values) != len(in.Columns) {
				return mlctl.Errorf(mlctl.EINVALID, "dataset %s: row %d (%s) has %d values for %d columns", in.Name, i+1, v.Key, len(v.Values), len(in.Columns))
			}
		}
		byLabel, byFamily := datasets.Counts(in.Rows)
		if len(in.Vectors) > 0 {
			byLabel, byFamily = datasets.VectorCounts(in.Vectors)
		}
		columns := in.Columns
		if columns == nil {
			columns = []string{}
		}
		labels := map[string]int{}
		for k, v := range byLabel {
			labels[fmt.Sprint(k)] = v
		}
		var version int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM datasets WHERE name = $1`, in.Name).Scan(&version); err != nil {
			return fmt.Errorf("next version of %s: %w", in.Name, err)
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO datasets (name, version, kind, sha256, row_count, label_counts, family_counts, source_files, bad_rows, columns)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			in.Name, version, in.Kind, in.SHA256, len(in.Rows)+len(in.Vectors), labels, byFamily, in.SourceFiles, in.BadRows, columns).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert dataset %s: %w", in.Name, err)
		}
		rows, vecs := in.Rows, in.Vectors
		src := pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
			return []any{id, int32(i), rows[i].Name, int16(rows[i].Label), rows[i].Family, nil}, nil
		})
		if len(vecs) > 0 {
			src = pgx.CopyFromSlice(len(vecs), func(i int) ([]any, error) {
				return []any{id, int32(i), vecs[i].Key, int16(vecs[i].Label), vecs[i].Family, vecs[i].Values}, nil
			})
		}
		n, err := tx.CopyFrom(ctx, pgx.Identifier{"dataset_rows"}, []string{"dataset_id", "ord", "input", "label", "family", "vals"}, src)
		if err != nil {
			return fmt.Errorf("copy rows of %s: %w", in.Name, err)
		}
		if int(n) != len(rows)+len(vecs) {
			return fmt.Errorf("copy rows of %s: wrote %d of %d", in.Name, n, len(rows)+len(vecs))
		}
		d, err = findDataset(ctx, tx, `id = $1`, id)
		created = true
		return err
	}()
	return d, created, err
}

// Dataset returns a version by name and version; version 0 means the newest.
func (db *DB) Dataset(ctx context.Context, name string, version int) (*Dataset, error) {
	if version == 0 {
		d, err := findDataset(ctx, db.pool, `name = $1 ORDER BY version DESC LIMIT 1`, name)
		if mlctl.ErrorCode(err) == mlctl.ENOTFOUND {
			return nil, mlctl.Errorf(mlctl.ENOTFOUND, "dataset %s not found (see `mlctl dataset list`)", name)
		}
		return d, err
	}
	d, err := findDataset(ctx, db.pool, `name = $1 AND version = $2`, name, version)
	if mlctl.ErrorCode(err) == mlctl.ENOTFOUND {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "dataset %s@%d not found (see `mlctl dataset list`)", name, version)
	}
	return d, err
}

// DatasetByID returns a version by its ID.
func (db *DB) DatasetByID(ctx context.Context, id int64) (*Dataset, error) {
	d, err := findDataset(ctx, db.pool, `id = $1`, id)
	if mlctl.ErrorCode(err) == mlctl.ENOTFOUND {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "dataset %d not found", id)
	}
	return d, err
}

// Datasets lists every version, newest first within each name.
func (db *DB) Datasets(ctx context.Context) ([]*Dataset, error) {
	rows, err := db.pool.Query(ctx, datasetSelect+` ORDER BY name, version DESC`)
	if err != nil {
		return nil, fmt.Errorf("list datasets: %w", err)
	}
	defer rows.Close()
	var out []*Dataset
	for rows.Next() {
		d, err := scanDataset(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DatasetRows returns the rows of a dataset version in canonical order.
func (db *DB) DatasetRows(ctx context.Context, id int64) ([]datasets.Row, error) {
	rows, err := db.pool.Query(ctx, `SELECT input, label, family FROM dataset_rows WHERE dataset_id = $1 ORDER BY ord`, id)
	if err != nil {
		return nil, fmt.Errorf("read rows of dataset %d: %w", id, err)
	}
	defer rows.Close()
	var out []datasets.Row
	for rows.Next() {
		var r datasets.Row
		var label int16
		if err := rows.Scan(&r.Name, &label, &r.Family); err != nil {
			return nil, fmt.Errorf("read rows of dataset %d: %w", id, err)
		}
		r.Label = int(label)
		out = append(out, r)
	}
	return out, rows.Err()
}

// DatasetVectors returns the column names and rows of a flow or tabular
// dataset version in canonical order.
func (db *DB) DatasetVectors(ctx context.Context, id int64) ([]string, []datasets.VectorRow, error) {
	var columns []string
	if err := db.pool.QueryRow(ctx, `SELECT columns FROM datasets WHERE id = $1`, id).Scan(&columns); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, nil, mlctl.Errorf(mlctl.ENOTFOUND, "dataset %d not found", id)
		}
		return nil, nil, fmt.Errorf("read columns of dataset %d: %w", id, err)
	}
	rows, err := db.pool.Query(ctx, `SELECT input, label, family, COALESCE(vals, '{}') FROM dataset_rows WHERE dataset_id = $1 ORDER BY ord`, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read rows of dataset %d: %w", id, err)
	}
	defer rows.Close()
	var out []datasets.VectorRow
	for rows.Next() {
		var r datasets.VectorRow
		var label int16
		if err := rows.Scan(&r.Key, &label, &r.Family, &r.Values); err != nil {
			return nil, nil, fmt.Errorf("read rows of dataset %d: %w", id, err)
		}
		if len(r.Values) != len(columns) {
			return nil, nil, mlctl.Errorf(mlctl.ECORRUPT, "dataset %d row %s has %d values for %d columns", id, r.Key, len(r.Values), len(columns))
		}
		r.Label = int(label)
		out = append(out, r)
	}
	return columns, out, rows.Err()
}

const datasetSelect = `SELECT id, name, version, kind, sha256, row_count, label_counts, family_counts, source_files, bad_rows, columns, created_at FROM datasets`

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func findDataset(ctx context.Context, q querier, where string, args ...any) (*Dataset, error) {
	d, err := scanDataset(q.QueryRow(ctx, datasetSelect+` WHERE `+where, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "dataset not found")
	}
	return d, err
}

func scanDataset(row pgx.Row) (*Dataset, error) {
	var d Dataset
	var labels, families, files []byte
	err := row.Scan(&d.ID, &d.Name, &d.Version, &d.Kind, &d.SHA256, &d.Rows, &labels, &families, &files, &d.BadRows, &d.Columns, &d.CreatedAt)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("read dataset: %w", err)
	}
	if err := json.Unmarshal(labels, &d.LabelCounts); err != nil {
		return nil, fmt.Errorf("dataset %d label counts: %w", d.ID, err)
	}
	if err := json.Unmarshal(families, &d.FamilyCounts); err != nil {
		return nil, fmt.Errorf("dataset %d family counts: %w", d.ID, err)
	}
	if err := json.Unmarshal(files, &d.SourceFiles); err != nil {
		return nil, fmt.Errorf("dataset %d source files: %w", d.ID, err)
	}
	return &d, nil
}
