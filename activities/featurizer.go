package activities

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/trainingdata"
)

// featurizer turns a run's rows into the matrix the trees learn from:
// features computed from names with a (fitted) feature set, or the
// columns of a flow or tabular dataset's vectors.
type featurizer struct {
	fs  artifact.FeatureSet
	set features.Set // names; nil for vectors
	idx []int        // vectors: where each feature sits in a row's values
}

// newFeaturizer builds the run's features: for names, the named feature
// set fitted on the training rows; for vectors, the dataset's columns less
// the baseline column (baselineColumn, or datasets.BaselineColumn when a
// tabular dataset has one).
func newFeaturizer(lay trainingdata.Layout, setName, baselineColumn string, train []datasets.Row, seed uint64) (*featurizer, error) {
	if lay.Kind == "txt" {
		// TXT records: the txt-shape set (what a record looks like), the
		// only name-free set that reads them.
		if setName != "" && setName != features.TXTShapeName {
			return nil, fmt.Errorf("feature_set %q: a txt dataset's tree models read the %s set (or train --algo lstm on its n-grams)", setName, features.TXTShapeName)
		}
		setName = features.TXTShapeName
	} else if setName == features.TXTShapeName {
		return nil, fmt.Errorf("feature_set %s reads TXT records; this is a %s dataset", setName, lay.Kind)
	}
	if lay.Columns == nil {
		if baselineColumn != "" {
			return nil, fmt.Errorf("baseline_column %q: a %s dataset has no columns (it applies to flow and tabular datasets)", baselineColumn, lay.Kind)
		}
		set, err := fitFeatures(setName, train, seed)
		if err != nil {
			return nil, err
		}
		state, err := featureState(set)
		if err != nil {
			return nil, err
		}
		return &featurizer{set: set, fs: artifact.FeatureSet{Name: set.Name(), Version: set.Version(), Names: set.Names(), State: state}}, nil
	}
	if setName != "" && setName != lay.Kind {
		return nil, fmt.Errorf("feature_set %q: a %s dataset's models read its columns (feature_set %s)", setName, lay.Kind, lay.Kind)
	}
	cols := lay.Columns
	if baselineColumn = baselineColumnOf(lay, baselineColumn); baselineColumn != "" {
		i := slices.Index(cols, baselineColumn)
		if i < 0 {
			return nil, fmt.Errorf("baseline_column %q is not a column of the dataset (it has %s)", baselineColumn, artifactJoin(cols))
		}
		cols = slices.Delete(slices.Clone(cols), i, i+1)
	}
	fs, err := artifact.VectorFeatureSet(lay.Kind, cols)
	if err != nil {
		return nil, err
	}
	return featurizerOf(fs, lay)
}

// featurizerOf rebuilds the features of an artifact's feature set (a
// resumed checkpoint) over rows of the given layout.
func featurizerOf(fs artifact.FeatureSet, lay trainingdata.Layout) (*featurizer, error) {
	if lay.Columns == nil {
		set, err := features.Lookup(fs.Name, fs.State)
		if err != nil {
			return nil, err
		}
		return &featurizer{fs: fs, set: set}, nil
	}
	idx, err := artifact.ColumnMap(fs.Names, lay.Columns)
	if err != nil {
		return nil, err
	}
	return &featurizer{fs: fs, idx: idx}, nil
}

// matrix returns the features of rows.
func (f *featurizer) matrix(rows []datasets.Row) *matrix.Matrix {
	if f.set != nil {
		return artifact.FeatureMatrix(f.set, trainingdata.Names(rows))
	}
	v := make([][]float64, len(rows))
	for i, r := range rows {
		v[i] = r.Values
	}
	return artifact.VectorMatrix(f.idx, v)
}

// baselineRows are the rows an isolation forest learns normal from: those
// whose baseline column is set (non-zero) when one is named or a tabular
// dataset has one, else the benign ones (label 0).
func baselineRows(rows []datasets.Row, lay trainingdata.Layout, baselineColumn string) ([]datasets.Row, error) {
	baselineColumn = baselineColumnOf(lay, baselineColumn)
	var out []datasets.Row
	if baselineColumn == "" {
		for _, r := range rows {
			if r.Label == 0 {
				out = append(out, r)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("the training part has no benign rows (label 0) to learn a baseline from; label some, or name a baseline_column")
		}
		return out, nil
	}
	c := slices.Index(lay.Columns, baselineColumn)
	for _, r := range rows {
		if v := r.Values[c]; v != 0 && !math.IsNaN(v) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no row of the training part has baseline_column %q set (non-zero)", baselineColumn)
	}
	return out, nil
}

// baselineColumnOf is the baseline column of a run: the one named, or
// datasets.BaselineColumn when a tabular dataset has it, else none.
func baselineColumnOf(lay trainingdata.Layout, named string) string {
	if named == "" && lay.Kind == "tabular" && slices.Contains(lay.Columns, datasets.BaselineColumn) {
		return datasets.BaselineColumn
	}
	return named
}

func artifactJoin(s []string) string {
	if len(s) > 8 {
		return fmt.Sprintf("%v … (%d columns)", s[:8], len(s))
	}
	return fmt.Sprint(s)
}

// fitFeatures builds the named feature set, fitting any learned state on the training rows.
func fitFeatures(name string, train []datasets.Row, seed uint64) (features.Set, error) {
	switch name {
	case "", "domain":
		return features.FitDomain(train, features.DomainOptions{Seed: seed})
	default:
		set, err := features.Lookup(name, nil)
		if err != nil {
			return nil, fmt.Errorf("feature set %q: %w", name, err)
		}
		return set, nil
	}
}

// featureState returns the JSON state of fitted sets, nil for stateless ones.
func featureState(set features.Set) (json.RawMessage, error) {
	m, ok := set.(json.Marshaler)
	if !ok {
		return nil, nil
	}
	b, err := m.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("encode feature state: %w", err)
	}
	return b, nil
}
