// Package ingest reads labeled files of names and TXT records into
// dataset versions: files read together into one batch of rows (`mlctl
// dataset ingest`), and the files of a feed never ingested before into
// the next version of its dataset under a watermark (a Retrain's
// IngestNewData activity).
package ingest

import (
	"context"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
)

// Store is the part of the registry a feed's ingest reads and writes
// (*registry.DB).
type Store interface {
	Dataset(ctx context.Context, name string, version int) (*registry.Dataset, error)
	DatasetByID(ctx context.Context, id int64) (*registry.Dataset, error)
	DatasetRows(ctx context.Context, id int64) ([]datasets.Row, error)
	IngestedFiles(ctx context.Context, dataset string) (map[string]registry.IngestedFile, error)
	CreateDatasetFromFiles(ctx context.Context, in registry.NewDataset, files []registry.IngestedFile, workflowID string) (*registry.Dataset, bool, error)
}
