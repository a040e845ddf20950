package activities

import (
	"context"
	"fmt"
	"slices"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
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
	if len(refs) == 0 {
		return nil, nonRetryable(&BadInputError{"no dataset given"})
	}
	var out []DatasetRef
	kind := ""
	for _, r := range refs {
		name, version, err := mlctl.ParseRef(r)
		if err != nil {
			return nil, nonRetryable(&BadInputError{"dataset " + err.Error()})
		}
		d, err := a.DB.Dataset(ctx, name, version)
		if err != nil {
			return nil, nonRetryable(err)
		}
		if kind != "" && d.Kind != kind {
			return nil, nonRetryable(&BadInputError{fmt.Sprintf("datasets mix kinds %s and %s", kind, d.Kind)})
		}
		kind = d.Kind
		out = append(out, DatasetRef{ID: d.ID, Ref: d.Ref(), Kind: d.Kind, Rows: d.Rows, SHA256: d.SHA256})
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
	rows, _, err := a.loadRows(ctx, in.DatasetIDs)
	if err != nil {
		return SplitResult{}, err
	}
	parts, err := datasets.Split(rows, in.Seed, in.HoldoutFamilies)
	if err != nil {
		return SplitResult{}, nonRetryable(&BadInputError{err.Error()})
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

// layout says what a run's rows hold: names (kind dga), or vectors whose
// values Columns names (kinds flow and tabular).
type layout struct {
	Kind    string
	Columns []string
}

// loadRows concatenates the rows of the datasets in the given order. Rows
// of flow and tabular datasets carry their vectors; datasets of other
// kinds or columns do not mix.
func (a *Activities) loadRows(ctx context.Context, ids []int64) ([]datasets.Row, layout, error) {
	var rows []datasets.Row
	var lay layout
	for i, id := range ids {
		d, err := a.DB.DatasetByID(ctx, id)
		if err != nil {
			return nil, layout{}, err
		}
		cols, r, err := a.DB.DatasetVectors(ctx, id)
		if err != nil {
			return nil, layout{}, err
		}
		if len(cols) == 0 {
			cols = nil
		}
		if i > 0 && (d.Kind != lay.Kind || !slices.Equal(cols, lay.Columns)) {
			return nil, layout{}, nonRetryable(&BadInputError{fmt.Sprintf("dataset %s (%s, %d columns) does not match the first (%s, %d columns); train on datasets of one kind and layout",
				d.Ref(), d.Kind, len(cols), lay.Kind, len(lay.Columns))})
		}
		lay = layout{Kind: d.Kind, Columns: cols}
		for _, v := range r {
			row := datasets.Row{Name: v.Key, Label: v.Label, Family: v.Family}
			if cols != nil {
				row.Values = v.Values
			}
			rows = append(rows, row)
		}
	}
	return rows, lay, nil
}

// labeled keeps the rows whose label is known (0 or 1).
func labeled(rows []datasets.Row) []datasets.Row {
	out := make([]datasets.Row, 0, len(rows))
	for _, r := range rows {
		if r.Label == 0 || r.Label == 1 {
			out = append(out, r)
		}
	}
	return out
}

// partRows returns the rows of the split's part, in dataset order.
func partRows(rows []datasets.Row, s *registry.Split, part byte) []datasets.Row {
	var out []datasets.Row
	for i, p := range s.Assignment {
		if p == part {
			out = append(out, rows[i])
		}
	}
	return out
}

// loadSplitRows loads the datasets' rows (and their columns, see
// loadRows) and their stored split, checking they match.
func (a *Activities) loadSplitRows(ctx context.Context, datasetIDs []int64, splitID int64) ([]datasets.Row, layout, *registry.Split, error) {
	rows, lay, err := a.loadRows(ctx, datasetIDs)
	if err != nil {
		return nil, layout{}, nil, err
	}
	s, err := a.DB.SplitByID(ctx, splitID)
	if err != nil {
		return nil, layout{}, nil, err
	}
	if len(s.Assignment) != len(rows) {
		return nil, layout{}, nil, mlctl.Errorf(mlctl.ECORRUPT, "split %d covers %d rows, datasets have %d", splitID, len(s.Assignment), len(rows))
	}
	return rows, lay, s, nil
}
