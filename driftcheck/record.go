package driftcheck

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/drift"
)

// Record keeps a drift report of a model in the registry, for `models
// show` and drift schedules: rows is how many recent rows were compared;
// source is "live" for a check of scorers' samples (run by the workflow
// workflowID), "" for one of a file. It returns the report's ID.
func Record(ctx context.Context, st Store, m *registry.Model, rep drift.Report, rows int, source, workflowID string) (int64, error) {
	raw, err := json.Marshal(rep)
	if err != nil {
		return 0, fmt.Errorf("drift report of %s: %w", m.Ref(), err)
	}
	return st.AddDriftReport(ctx, registry.DriftReport{ModelID: m.ID, SampleRows: int64(rows),
		DriftedShare: rep.DriftedShare, Drifted: rep.Drifted, Report: raw, Source: source, WorkflowID: workflowID})
}
