package gbdt

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlctl/mlctl/training/matrix"
)

// synthetic returns a deterministic data set mixing the kinds of features the
// trainer must handle: continuous, integer-valued (few distinct values),
// ratios with ties, and NaN-bearing features. Labels follow a noisy
// non-linear rule, so no model reaches AUC 1.
func synthetic(rows, cols int, seed uint64) (*matrix.Matrix, []float32) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := matrix.New(rows, cols)
	y := make([]float32, rows)
	for r := range rows {
		row := x.Row(r)
		for f := range row {
			var v float32
			switch f % 5 {
			case 0: // continuous
				v = float32(rng.NormFloat64())
			case 1: // integer count
				v = float32(math.Floor(rng.ExpFloat64() * 4))
			case 2: // ratio with ties
				v = float32(math.Round(rng.Float64()*100) / 100)
			case 3: // continuous with 10% missing
				v = float32(rng.NormFloat64()*3 + 1)
				if rng.Float64() < 0.1 {
					v = float32(math.NaN())
				}
			case 4: // small integer with 20% missing
				v = float32(rng.IntN(4))
				if rng.Float64() < 0.2 {
					v = float32(math.NaN())
				}
			}
			row[f] = v
		}
		z := 0.8*float64(row[0]) - 0.5*float64(row[1]) + 2*float64(row[2])*float64(row[0])
		if cols > 3 {
			if v := row[3]; v == v {
				z += 0.3 * float64(v)
			} else {
				z += 1.2 // missingness carries signal
			}
		}
		if cols > 4 {
			if v := row[4]; v == v && v >= 2 {
				z -= 1
			}
		}
		if cols > 6 {
			z += 0.7 * math.Sin(3*float64(row[5])) * float64(row[6])
		}
		z += rng.NormFloat64() * 0.8
		if rng.Float64() < 1/(1+math.Exp(-z)) {
			y[r] = 1
		}
	}
	return x, y
}

// aucOf returns the ROC AUC of scores against binary labels (ties count half).
func aucOf(scores []float64, y []float32) float64 {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case scores[a] < scores[b]:
			return -1
		case scores[a] > scores[b]:
			return 1
		}
		return 0
	})
	var pos, neg, rankSum float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2 // average 1-based rank
		for k := i; k < j; k++ {
			if y[idx[k]] == 1 {
				rankSum += mid
				pos++
			}
		}
		i = j
	}
	neg = float64(len(y)) - pos
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}

// split returns rows [lo, hi) of x and y.
func sliceRows(x *matrix.Matrix, y []float32, lo, hi int) (*matrix.Matrix, []float32) {
	return &matrix.Matrix{Rows: hi - lo, Cols: x.Cols, Values: x.Values[lo*x.Cols : hi*x.Cols]}, y[lo:hi]
}
