package gbdtbench

import (
	"math"
	"math/rand/v2"

	"github.com/mlctl/mlctl/training/matrix"
)

// Synthetic returns a deterministic stand-in for a domain-feature matrix
// (rows×cols, seeded): integer counts and lengths, ratios with few distinct
// values, continuous scores and features with missing values whose rate
// depends on the class, with a label (~40% positive) that every feature
// informs weakly and a few pairs inform jointly, plus 3% label noise, so
// ROC-AUC stays below 1.
func Synthetic(rows, cols int, seed uint64) (*matrix.Matrix, []float32) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	effect := make([]float64, cols)
	for f := range effect {
		effect[f] = 0.35 * rng.NormFloat64()
	}
	x := matrix.New(rows, cols)
	y := make([]float32, rows)
	for r := range rows {
		pos := rng.Float64() < 0.4
		c := 0.0
		if pos {
			c = 1
		}
		row := x.Row(r)
		for f := range row {
			e := effect[f] * c
			var v float64
			switch f % 6 {
			case 0: // length-like integer
				v = math.Max(1, math.Round(12+6*rng.NormFloat64()+8*e))
			case 1: // count
				v = math.Floor(rng.ExpFloat64() * (2 + 2*math.Abs(e)))
			case 2: // ratio over a short string: few distinct values
				v = math.Round(math.Min(1, math.Max(0, rng.Float64()*0.6+0.4*e+0.2))*24) / 24
			case 3: // continuous score (entropy-like)
				v = 3 + 0.6*rng.NormFloat64() + e
			case 4: // continuous with class-dependent missingness
				v = rng.NormFloat64() + e
				if rng.Float64() < 0.05+0.1*c {
					v = math.NaN()
				}
			case 5: // small category-like integer with missing values
				v = float64(rng.IntN(5))
				if rng.Float64() < 0.15 {
					v = math.NaN()
				}
			}
			row[f] = float32(v)
		}
		// Interactions the trees have to find.
		if cols >= 6 && pos && row[1] > 2 && row[3] > 3 {
			row[0] += 5
		}
		if cols >= 12 && !pos && row[6] < 10 && row[8] > 0.5 {
			row[9] -= 1
		}
		if rng.Float64() < 0.03 {
			pos = !pos
		}
		if pos {
			y[r] = 1
		}
	}
	return x, y
}
