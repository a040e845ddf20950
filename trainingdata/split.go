package trainingdata

import (
	"context"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
)

// LoadSplit loads the datasets' rows (see Load) and their stored split,
// checking that the split covers exactly these rows (ECORRUPT otherwise).
func LoadSplit(ctx context.Context, st Store, datasetIDs []int64, splitID int64) ([]datasets.Row, Layout, *registry.Split, error) {
	rows, lay, err := Load(ctx, st, datasetIDs)
	if err != nil {
		return nil, Layout{}, nil, err
	}
	s, err := st.SplitByID(ctx, splitID)
	if err != nil {
		return nil, Layout{}, nil, err
	}
	if len(s.Assignment) != len(rows) {
		return nil, Layout{}, nil, mlctl.Errorf(mlctl.ECORRUPT, "split %d covers %d rows, datasets have %d", splitID, len(s.Assignment), len(rows))
	}
	return rows, lay, s, nil
}

// Part returns the rows of the split's part (registry.PartTrain,
// PartValidation or PartTest), in dataset order.
func Part(rows []datasets.Row, s *registry.Split, part byte) []datasets.Row {
	var out []datasets.Row
	for i, p := range s.Assignment {
		if p == part {
			out = append(out, rows[i])
		}
	}
	return out
}
