package iforestbench

import (
	"math"
	"math/rand/v2"

	"github.com/mlctl/mlctl/training/matrix"
)

// Synthetic returns a deterministic anomaly-detection data set (rows×cols,
// seeded) and its labels: about anomalyShare of the rows are anomalies
// (label 1), the rest normal (label 0). Normal rows mix correlated
// Gaussian features driven by two latent factors, skewed count-like
// features and integer lengths; an anomaly is a normal row with two
// features pushed 2.5 to 4 standard deviations out, so ROC-AUC stays below 1.
func Synthetic(rows, cols int, anomalyShare float64, seed uint64) (*matrix.Matrix, []float32) {
	rng := rand.New(rand.NewPCG(seed, 0xa70e))
	load := make([][2]float64, cols)
	for f := range load {
		load[f] = [2]float64{rng.NormFloat64(), rng.NormFloat64()}
	}
	x := matrix.New(rows, cols)
	y := make([]float32, rows)
	v := make([]float64, cols)
	for r := range rows {
		l1, l2 := rng.NormFloat64(), rng.NormFloat64()
		for f := range v {
			switch f % 3 {
			case 0: // correlated Gaussian
				v[f] = load[f][0]*l1 + load[f][1]*l2 + 0.5*rng.NormFloat64()
			case 1: // skewed, count-like
				v[f] = math.Floor(rng.ExpFloat64() * (3 + math.Abs(l1)))
			case 2: // integer length
				v[f] = math.Max(1, math.Round(12+4*rng.NormFloat64()+2*l2))
			}
		}
		if rng.Float64() < anomalyShare {
			y[r] = 1
			for range 2 {
				f := rng.IntN(cols)
				sd := [3]float64{math.Hypot(math.Hypot(load[f][0], load[f][1]), 0.5), 3.5, 4.5}[f%3]
				s := 1.0
				if f%3 == 0 && rng.IntN(2) == 0 {
					s = -1
				}
				v[f] += s * (2.5 + 1.5*rng.Float64()) * sd
			}
		}
		row := x.Row(r)
		for f := range row {
			row[f] = float32(v[f])
		}
	}
	return x, y
}
