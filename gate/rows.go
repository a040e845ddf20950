package gate

import (
	"context"
	"strings"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/published"
	"github.com/mlctl/mlctl/trainingdata"
)

// evalRows returns the named datasets' rows, or else the challenger's
// test split, with the names of the values of vector rows and what they
// are, in words.
func evalRows(ctx context.Context, st Store, challenger *published.Loaded, refs []string) ([]datasets.Row, []string, string, error) {
	if len(refs) == 0 {
		rows, columns, err := trainingdata.Tested(ctx, st, challenger.Model, challenger.Manifest)
		return rows, columns, "the test split of " + challenger.Model.Ref(), err
	}
	ds, err := trainingdata.Resolve(ctx, st, refs)
	if err != nil {
		return nil, nil, "", err
	}
	on := make([]string, len(ds))
	for i, d := range ds {
		on[i] = d.Ref()
	}
	rows, lay, err := trainingdata.Load(ctx, st, trainingdata.IDs(ds))
	return rows, lay.Columns, strings.Join(on, "+"), err
}

// withoutTrainingRows drops the rows (by name and label) that the model
// trained on.
func withoutTrainingRows(ctx context.Context, st Store, m *published.Loaded, rows []datasets.Row) ([]datasets.Row, error) {
	trainedOn, _, err := trainingdata.Trained(ctx, st, m.Model, m.Manifest)
	if err != nil {
		return nil, err
	}
	type key struct {
		name  string
		label int
	}
	trained := map[key]bool{}
	for _, r := range trainedOn {
		trained[key{r.Name, r.Label}] = true
	}
	out := rows[:0:0]
	for _, r := range rows {
		if !trained[key{r.Name, r.Label}] {
			out = append(out, r)
		}
	}
	return out, nil
}
