package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/mlctl/mlctl"

	"github.com/jackc/pgx/v5"
)

// Split parts as stored in a split's assignment bytes.
const (
	PartTrain      byte = 0
	PartValidation byte = 1
	PartTest       byte = 2
)

// Split assigns each row of the concatenated dataset versions to a part.
type Split struct {
	ID              int64    `json:"id"`
	DatasetIDs      []int64  `json:"dataset_ids"`
	Seed            uint64   `json:"seed"`
	HoldoutFamilies []string `json:"holdout_families"`
	Assignment      []byte   `json:"-"`
	Train           int      `json:"train_rows"`
	Validation      int      `json:"validation_rows"`
	Test            int      `json:"test_rows"`
}

// SaveSplit stores a split, or returns the identical one stored before.
func (db *DB) SaveSplit(ctx context.Context, s Split) (int64, error) {
	if s.HoldoutFamilies == nil {
		s.HoldoutFamilies = []string{}
	}
	var id int64
	err := db.pool.QueryRow(ctx, `INSERT INTO splits (dataset_ids, seed, holdout_families, assignment, train_rows, validation_rows, test_rows)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (dataset_ids, seed, holdout_families) DO UPDATE SET dataset_ids = EXCLUDED.dataset_ids
		RETURNING id`, s.DatasetIDs, int64(s.Seed), s.HoldoutFamilies, s.Assignment, s.Train, s.Validation, s.Test).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("save split: %w", err)
	}
	return id, nil
}

// SplitByID loads a split with its assignment.
func (db *DB) SplitByID(ctx context.Context, id int64) (*Split, error) {
	var s Split
	var seed int64
	err := db.pool.QueryRow(ctx, `SELECT id, dataset_ids, seed, holdout_families, assignment, train_rows, validation_rows, test_rows
		FROM splits WHERE id = $1`, id).Scan(&s.ID, &s.DatasetIDs, &seed, &s.HoldoutFamilies, &s.Assignment, &s.Train, &s.Validation, &s.Test)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "split %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read split %d: %w", id, err)
	}
	s.Seed = uint64(seed)
	return &s, nil
}

// FindSplit returns the split stored for these dataset versions, seed and
// held-out families (as SaveSplit keyed it), with its assignment.
func (db *DB) FindSplit(ctx context.Context, datasetIDs []int64, seed uint64, holdout []string) (*Split, error) {
	if holdout == nil {
		holdout = []string{}
	}
	var id int64
	err := db.pool.QueryRow(ctx, `SELECT id FROM splits WHERE dataset_ids = $1 AND seed = $2 AND holdout_families = $3`,
		datasetIDs, int64(seed), holdout).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, mlctl.Errorf(mlctl.ENOTFOUND, "no split of datasets %v with seed %d", datasetIDs, seed)
	}
	if err != nil {
		return nil, fmt.Errorf("find split: %w", err)
	}
	return db.SplitByID(ctx, id)
}
