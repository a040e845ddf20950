package gbdt

import (
	"fmt"
	"math"

	"github.com/mlctl/mlctl/training/matrix"
)

// validateTraining checks a training matrix and its labels: shapes, finite
// values or NaN in x, and labels in [0, 1].
func validateTraining(x *matrix.Matrix, y []float32) error {
	if err := x.CheckShape("training", maxFeatures); err != nil {
		return fmt.Errorf("gbdt: %w", err)
	}
	if len(y) != x.Rows {
		return fmt.Errorf("gbdt: %d labels for %d rows", len(y), x.Rows)
	}
	for i, v := range y {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("gbdt: label of row %d is %v, want a value in [0, 1]", i, v)
		}
	}
	for i, v := range x.Values {
		if v == v && !checkFloat32Range(v) {
			return fmt.Errorf("gbdt: row %d feature %d is %v: want |value| < 1e38, or NaN for missing",
				i/x.Cols, i%x.Cols, v)
		}
	}
	return nil
}

// checkFloat32Range reports whether |v| < 1e38, so that cut values computed
// from v (XGBoost's max + |max| + 1e-5) stay finite.
func checkFloat32Range(v float32) bool {
	return math.Abs(float64(v)) < 1e38
}
