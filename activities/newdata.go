package activities

import (
	"context"

	"github.com/mlctl/mlctl/ingest"
	"github.com/mlctl/mlctl/registry"
)

// NewDataResult is the dataset version a Retrain trains on.
type NewDataResult struct {
	Dataset DatasetRef `json:"dataset"`
	// Previous is the version the new one extends ("" for the first).
	Previous string `json:"previous,omitempty"`
	// Files are the new files read; Seen counts every file the sources
	// matched (the others were ingested before).
	Files   []registry.IngestedFile `json:"files"`
	Seen    int                     `json:"seen"`
	NewRows int                     `json:"new_rows"`
	Bad     int                     `json:"bad"`
	// Aged counts previous rows left out by the window.
	Aged int `json:"aged,omitempty"`
	// Created is false when the merged rows equal an existing version.
	Created bool `json:"created"`
}

// IngestNewData reads the files of the sources that were never ingested
// into the dataset and stores the next version (ingest.NewFiles), as the
// running workflow, so that a retry after the commit finds this run's
// files and returns the version they went into. Bad data is a
// non-retryable error.
func (a *Activities) IngestNewData(ctx context.Context, in ingest.Feed) (NewDataResult, error) {
	u, err := ingest.NewFiles(ctx, a.DB, in, workflowID(ctx))
	if err != nil {
		a.Metrics.ingested(false, 0, err)
		return NewDataResult{}, nonRetryable(err)
	}
	a.Metrics.ingested(u.Created, u.NewRows, nil)
	d := u.Dataset
	return NewDataResult{
		Dataset:  DatasetRef{ID: d.ID, Ref: d.Ref(), Kind: d.Kind, Rows: d.Rows, SHA256: d.SHA256},
		Previous: u.Previous, Files: u.Files, Seen: u.Seen, NewRows: u.NewRows, Bad: u.Bad, Aged: u.Aged, Created: u.Created,
	}, nil
}
