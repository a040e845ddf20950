package iforest

import (
	"math"
	"math/rand/v2"

	"github.com/mlctl/mlctl/training/matrix"
)

// synthetic returns normal+anomalies rows of 10 features, the normal rows
// first, and labels (1 = planted anomaly). Normal rows have correlated
// Gaussian features, a two-cluster pair, skewed and integer-valued
// features and a uniform one; an anomaly is a normal row with two features
// pushed 2.5 to 4 standard deviations out, or with its correlations broken,
// so that neither forest finds all of them (ROC-AUC well below 1).
func synthetic(normal, anomalies int, seed uint64) (*matrix.Matrix, []int) {
	const cols = 10
	rng := rand.New(rand.NewPCG(seed, 0x1f0e57))
	x := matrix.New(normal+anomalies, cols)
	y := make([]int, x.Rows)
	std := [cols]float64{1.05, 1, 1.05, 1.5, 2.2, 1.8, 1, 2, 2, 0.29}
	for r := range x.Rows {
		n := rng.NormFloat64
		l1, l2 := n(), n()
		cluster := float64(rng.IntN(2))
		v := [cols]float64{
			l1 + 0.3*n(),
			0.8*l1 + 0.6*n(),
			l2 + 0.3*n(),
			l1 - l2 + 0.5*n(),
			4*cluster + n(),
			-3*cluster + n(),
			rng.ExpFloat64(),
			2 * rng.ExpFloat64(),
			math.Round(3 + 2*n()),
			rng.Float64(),
		}
		if r >= normal {
			y[r] = 1
			if rng.IntN(3) == 0 {
				// Broken correlations: each feature alone looks normal.
				v[1] = -0.8*l1 + 0.6*n()
				v[3] = l2 - l1 + 0.5*n()
				v[5] = -3*(1-cluster) + n()
			} else {
				for range 2 {
					f := rng.IntN(cols)
					s := 1.0
					if rng.IntN(2) == 0 {
						s = -1
					}
					v[f] += s * (2.5 + 1.5*rng.Float64()) * std[f]
				}
			}
		}
		row := x.Row(r)
		for f := range row {
			row[f] = float32(v[f])
		}
	}
	return x, y
}

// rowsOf returns rows [lo, hi) of x as a new matrix.
func rowsOf(x *matrix.Matrix, lo, hi int) *matrix.Matrix {
	m := matrix.New(hi-lo, x.Cols)
	copy(m.Values, x.Values[lo*x.Cols:hi*x.Cols])
	return m
}
