package iforest

import (
	"fmt"
	"strings"

	"github.com/mlctl/mlctl/training/matrix"
)

// Reasons a feature is dropped by Validate.
const (
	// ReasonMissing: every value of the column is missing (NaN), the bot detector's
	// "missing" column.
	ReasonMissing = "missing"
	// ReasonConstant: every present value of the column is the same, so no
	// split can separate rows on it.
	ReasonConstant = "constant"
)

// DroppedFeature is one column that Validate excluded.
type DroppedFeature struct {
	Feature int    `json:"feature"`
	Name    string `json:"name"`
	Reason  string `json:"reason"`
	// Value is the one value of a constant column (0 for a missing one).
	Value float32 `json:"value"`
}

// String says which column was dropped and why: `hits (constant 0)`.
func (d DroppedFeature) String() string {
	if d.Reason == ReasonConstant {
		return fmt.Sprintf("%s (constant %v)", d.Name, d.Value)
	}
	return fmt.Sprintf("%s (%s)", d.Name, d.Reason)
}

// ValidationReport is the outcome of Validate: the bot detector's A7 step.
type ValidationReport struct {
	// Features is the number of columns examined.
	Features int `json:"features"`
	// Kept lists the valid columns, ascending.
	Kept []int `json:"kept"`
	// Dropped lists the excluded columns, ascending.
	Dropped []DroppedFeature `json:"dropped"`
	// MinRatio is the least share of kept columns that was required.
	MinRatio float64 `json:"min_ratio"`
}

// Ratio is the share of columns kept.
func (r ValidationReport) Ratio() float64 {
	if r.Features == 0 {
		return 0
	}
	return float64(len(r.Kept)) / float64(r.Features)
}

// Validate checks the feature columns of the baseline x before training,
// as the bot detector does: a column whose values are all missing (NaN) or whose
// present values are all equal is dropped; when the kept columns are fewer
// than minRatio of all (or none are left) it returns an error that names
// every dropped column and why. names labels the columns in the report
// and the error (nil: "f0", "f1", ...); it must have x.Cols entries
// otherwise. kept lists the valid columns, ascending.
func Validate(x *matrix.Matrix, names []string, minRatio float64) (kept []int, report ValidationReport, err error) {
	if err := x.Validate(); err != nil {
		return nil, ValidationReport{}, fmt.Errorf("iforest: %w", err)
	}
	if names != nil && len(names) != x.Cols {
		return nil, ValidationReport{}, fmt.Errorf("iforest: %d feature names for %d columns", len(names), x.Cols)
	}
	if !(minRatio >= 0 && minRatio <= 1) {
		return nil, ValidationReport{}, fmt.Errorf("iforest: min_valid_feature_ratio %v: want a ratio in [0, 1]", minRatio)
	}
	if x.Cols == 0 {
		return nil, ValidationReport{}, fmt.Errorf("iforest: the matrix has no feature columns")
	}
	// One pass over the rows: per column the first present value and
	// whether a different one follows.
	first := make([]float32, x.Cols)
	present := make([]bool, x.Cols)
	varies := make([]bool, x.Cols)
	for r := 0; r < x.Rows; r++ {
		for f, v := range x.Row(r) {
			switch {
			case v != v:
			case !present[f]:
				first[f], present[f] = v, true
			case v != first[f]:
				varies[f] = true
			}
		}
	}
	report = ValidationReport{Features: x.Cols, MinRatio: minRatio, Kept: []int{}, Dropped: []DroppedFeature{}}
	for f := range x.Cols {
		switch {
		case varies[f]:
			report.Kept = append(report.Kept, f)
		case !present[f]:
			report.Dropped = append(report.Dropped, DroppedFeature{Feature: f, Name: featureName(names, f), Reason: ReasonMissing})
		default:
			report.Dropped = append(report.Dropped, DroppedFeature{Feature: f, Name: featureName(names, f), Reason: ReasonConstant, Value: first[f]})
		}
	}
	if len(report.Kept) == 0 || report.Ratio() < minRatio {
		return nil, report, fmt.Errorf("iforest: only %d of %d features are valid (%.0f%%, min_valid_feature_ratio %.0f%%); dropped %s",
			len(report.Kept), x.Cols, 100*report.Ratio(), 100*minRatio, droppedList(report.Dropped))
	}
	return report.Kept, report, nil
}

// featureName returns names[f], or "f<f>" without names.
func featureName(names []string, f int) string {
	if names == nil {
		return fmt.Sprintf("f%d", f)
	}
	return names[f]
}

func droppedList(d []DroppedFeature) string {
	s := make([]string, len(d))
	for i, x := range d {
		s[i] = x.String()
	}
	return strings.Join(s, ", ")
}
