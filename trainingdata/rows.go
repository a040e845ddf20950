package trainingdata

import (
	"context"
	"slices"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/datasets"
)

// Layout says what rows hold: names (kind dga), or vectors whose values
// Columns names (kinds flow and tabular; nil for names).
type Layout struct {
	Kind    string
	Columns []string
}

// Load concatenates the rows of the dataset versions in the given order.
// Rows of flow and tabular datasets carry their vectors; datasets of other
// kinds or columns do not mix (an EINVALID error).
func Load(ctx context.Context, st Store, ids []int64) ([]datasets.Row, Layout, error) {
	var rows []datasets.Row
	var lay Layout
	for i, id := range ids {
		d, err := st.DatasetByID(ctx, id)
		if err != nil {
			return nil, Layout{}, err
		}
		cols, r, err := st.DatasetVectors(ctx, id)
		if err != nil {
			return nil, Layout{}, err
		}
		if len(cols) == 0 {
			cols = nil
		}
		if i > 0 && (d.Kind != lay.Kind || !slices.Equal(cols, lay.Columns)) {
			return nil, Layout{}, mlctl.Errorf(mlctl.EINVALID, "dataset %s (%s, %d columns) does not match the first (%s, %d columns); train on datasets of one kind and layout",
				d.Ref(), d.Kind, len(cols), lay.Kind, len(lay.Columns))
		}
		lay = Layout{Kind: d.Kind, Columns: cols}
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

// Labeled keeps the rows whose label is known (0 or 1).
func Labeled(rows []datasets.Row) []datasets.Row {
	out := make([]datasets.Row, 0, len(rows))
	for _, r := range rows {
		if r.Label == 0 || r.Label == 1 {
			out = append(out, r)
		}
	}
	return out
}

// Names returns the names of the rows, in their order.
func Names(rows []datasets.Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Name
	}
	return out
}

// TwoClasses checks that rows (what names them in the error) hold both a
// malicious and a benign row: an EINVALID error says how many of each.
func TwoClasses(rows []datasets.Row, what string) error {
	var pos, neg int
	for _, r := range rows {
		if r.Label == 1 {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return mlctl.Errorf(mlctl.EINVALID, "%s has %d malicious and %d benign rows; training needs both (ingest a benign list with --label 0 and a DGA list with --label 1)", what, pos, neg)
	}
	return nil
}
