// Package driftcheck compares what a published model scores now with
// what it was trained on, feature by feature (the statistics are
// training/drift's): a model's drift baseline from its training rows, the
// seeded samples both sides are compared on, live checks of the samples
// its scorers recorded, and the reports kept in the registry. `mlctl
// drift` checks a file with it, the CheckLiveDrift activity live traffic.
package driftcheck

import (
	"context"
	"time"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/trainingdata"
)

// Store is the part of the registry drift checks read and record to
// (*registry.DB).
type Store interface {
	trainingdata.Store
	LiveSamples(ctx context.Context, modelID int64, since time.Time) ([]registry.LiveSample, error)
	AddDriftReport(ctx context.Context, r registry.DriftReport) (int64, error)
}
