package activities

import (
	"context"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/trainingdata"
)

// DatasetRef identifies one resolved dataset version.
type DatasetRef struct {
	ID     int64  `json:"id"`
	Ref    string `json:"ref"`
	Kind   string `json:"kind"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// ResolveDatasets turns NAME[@V] references into fixed dataset versions, so
// the rest of a workflow uses exactly these even if newer ones appear.
func (a *Activities) ResolveDatasets(ctx context.Context, refs []string) ([]DatasetRef, error) {
	ds, err := trainingdata.Resolve(ctx, a.DB, refs)
	if err != nil {
		return nil, nonRetryable(err)
	}
	out := make([]DatasetRef, len(ds))
	for i, d := range ds {
		out[i] = DatasetRef{ID: d.ID, Ref: d.Ref(), Kind: d.Kind, Rows: d.Rows, SHA256: d.SHA256}
	}
	return out, nil
}

// SplitInput names the rows to split and how.
type SplitInput struct {
	DatasetIDs      []int64  `json:"dataset_ids"`
	Seed            uint64   `json:"seed"`
	HoldoutFamilies []string `json:"holdout_families"`
}

// SplitResult identifies a stored split.
type SplitResult struct {
	SplitID    int64 `json:"split_id"`
	Train      int   `json:"train"`
	Validation int   `json:"validation"`
	Test       int   `json:"test"`
}

// SplitDatasets assigns the rows of the datasets to train, validation and
// test (stratified, seeded 80/10/10, held-out families all in test) and
// stores the assignment.
func (a *Activities) SplitDatasets(ctx context.Context, in SplitInput) (SplitResult, error) {
	rows, _, err := trainingdata.Load(ctx, a.DB, in.DatasetIDs)
	if err != nil {
		return SplitResult{}, nonRetryable(err)
	}
	parts, err := datasets.Split(rows, in.Seed, in.HoldoutFamilies)
	if err != nil {
		return SplitResult{}, nonRetryable(invalid(err))
	}
	assign := make([]byte, len(rows))
	for i := range assign {
		assign[i] = 255
	}
	for _, i := range parts.Train {
		assign[i] = registry.PartTrain
	}
	for _, i := range parts.Validation {
		assign[i] = registry.PartValidation
	}
	for _, i := range parts.Test {
		assign[i] = registry.PartTest
	}
	id, err := a.DB.SaveSplit(ctx, registry.Split{
		DatasetIDs: in.DatasetIDs, Seed: in.Seed, HoldoutFamilies: in.HoldoutFamilies, Assignment: assign,
		Train: len(parts.Train), Validation: len(parts.Validation), Test: len(parts.Test),
	})
	if err != nil {
		return SplitResult{}, err
	}
	return SplitResult{SplitID: id, Train: len(parts.Train), Validation: len(parts.Validation), Test: len(parts.Test)}, nil
}
