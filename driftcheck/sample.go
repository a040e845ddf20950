package driftcheck

import (
	"math/rand/v2"
	"slices"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/features"
)

// Seeds of the samples drift checks take (Sample): the training side and
// the recent side draw from different generators.
const (
	TrainSeed  = 1
	RecentSeed = 2
)

// Sample returns at most n of items, a choice seeded by seed, in their
// order; items itself when there are at most n. Sample first, then compute
// features: only for the rows compared.
func Sample[T any](items []T, n int, seed uint64) []T {
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
