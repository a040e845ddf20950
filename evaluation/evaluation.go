// Package evaluation scores labeled rows with a model and measures it: the
// scores, labels and families side by side (Score), the rows serving never
// scores (Prefilter), and a published model's evaluation on whole dataset
// versions, recorded in the registry (Published, for `mlctl eval`).
package evaluation

import (
	"context"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/trainingdata"
)

// Store is the part of the registry an evaluation reads and records to
// (*registry.DB).
type Store interface {
	trainingdata.Store
	Artifact(ctx context.Context, modelID int64) (data []byte, sha string, err error)
	AddEvaluation(ctx context.Context, e registry.Evaluation) (int64, error)
}
