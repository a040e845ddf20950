// Package trainingdata loads the labeled rows that models train and are
// judged on from the registry: dataset versions by reference, their rows
// concatenated in one layout, a stored split's parts, and the rows a
// published model was trained on. The gate, drift checks and evaluations
// read their rows here.
package trainingdata

import (
	"context"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
)

// Store is the part of the registry this package reads (*registry.DB).
type Store interface {
	Dataset(ctx context.Context, name string, version int) (*registry.Dataset, error)
	DatasetByID(ctx context.Context, id int64) (*registry.Dataset, error)
	DatasetVectors(ctx context.Context, id int64) ([]string, []datasets.VectorRow, error)
	FindSplit(ctx context.Context, datasetIDs []int64, seed uint64, holdout []string) (*registry.Split, error)
	SplitByID(ctx context.Context, id int64) (*registry.Split, error)
}
