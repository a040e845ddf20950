package activities

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/training/drift"
)

// Seeds of the samples drift checks take (DriftSample): the training side
// and the recent side draw from different generators.
const (
	DriftTrainSeed  = 1
	DriftRecentSeed = 2
)

// Which training rows a drift check compares with.
const (
	BaselineBenign = "benign" // the rows labeled 0 (all rows when none is)
	BaselineAll    = "all"
)

// BaselineRows returns the training rows a drift check compares with:
// every row, or the benign ones. Live traffic is nearly all benign, while
// a training set holds both classes (a third of it DGA names on the shared
// data): compared with all of it, benign traffic the model knows well has
// 92% of its features "drifted". A model trained on no labeled benign row
// (an unlabeled isolation forest baseline) keeps all its rows.
func BaselineRows(train []datasets.Row, which string) []datasets.Row {
	if which == BaselineAll {
		return train
	}
	var benign []datasets.Row
	for _, r := range train {
		if r.Label == 0 {
			benign = append(benign, r)
		}
	}
	if len(benign) == 0 {
		return train
	}
	return benign
}

// DriftBaseline is the drift baseline of a model: at most n of its
// training rows (TrainingRows: the rows and the names of their values), a
// seeded choice, as the model reads them: for a model of names, the
// features its feature set computes; for one of vectors, the columns it
// reads, picked by name. `mlctl drift` and CheckLiveDrift both build it
// here. A model without named features (an LSTM) has no baseline.
func DriftBaseline(sc *artifact.Scorer, train []datasets.Row, columns []string, n int) (*drift.Baseline, error) {
	if sc.TakesVectors() {
		vectors := make([][]float64, len(train))
		for i, r := range train {
			vectors[i] = r.Values
		}
		idx, err := artifact.ColumnMap(sc.Names(), columns)
		if err != nil {
			return nil, fmt.Errorf("training rows: %w", err)
		}
		return drift.NewBaseline(sc.Names(), PickColumns(idx, DriftSample(vectors, n, DriftTrainSeed)))
	}
	set := sc.FeatureSet()
	if set == nil {
		return nil, fmt.Errorf("a %s model without named features (an LSTM reads token sequences) has no drift baseline", sc.Kind())
	}
	names := make([]string, len(train))
	for i, r := range train {
		names[i] = r.Name
	}
	return drift.NewBaseline(set.Names(), FeatureRows(set, DriftSample(names, n, DriftTrainSeed)))
}

// DriftSample returns at most n of items, a choice seeded by seed, in their
// order; items itself when there are at most n. Sample first, then compute
// features: only for the rows compared.
func DriftSample[T any](items []T, n int, seed uint64) []T {
	if len(items) <= n {
		return items
	}
	idx := rand.New(rand.NewPCG(seed, seed+1)).Perm(len(items))[:n]
	slices.Sort(idx)
	out := make([]T, n)
	for i, j := range idx {
		out[i] = items[j]
	}
	return out
}

// FeatureRows computes the feature vectors of names with set, row-major,
// with the float32 precision the trees read (artifact.FeatureMatrix).
func FeatureRows(set features.Set, names []string) [][]float64 {
	m := artifact.FeatureMatrix(set, names)
	out := make([][]float64, m.Rows)
	for i := range out {
		row := make([]float64, m.Cols)
		for j, v := range m.Values[i*m.Cols : (i+1)*m.Cols] {
			row[j] = float64(v)
		}
		out[i] = row
	}
	return out
}

// PickColumns returns the vectors' values at idx (artifact.ColumnMap), row
// by row, in new rows.
func PickColumns(idx []int, vectors [][]float64) [][]float64 {
	out := make([][]float64, len(vectors))
	for i, v := range vectors {
		row := make([]float64, len(idx))
		for j, k := range idx {
			row[j] = v[k]
		}
		out[i] = row
	}
	return out
}
