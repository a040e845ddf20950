package gbdt

import (
	"fmt"
	"math"
)

// Matrix is a dense row-major float32 feature matrix; NaN means missing.
// Row i occupies Values[i*Cols : (i+1)*Cols].
type Matrix struct {
	Rows, Cols int
	Values     []float32
}

// NewMatrix returns a zero-filled rows×cols matrix.
func NewMatrix(rows, cols int) *Matrix {
	return &Matrix{Rows: rows, Cols: cols, Values: make([]float32, rows*cols)}
}

// Row returns row i as a slice of the matrix's values (not a copy).
func (m *Matrix) Row(i int) []float32 {
	return m.Values[i*m.Cols : (i+1)*m.Cols : (i+1)*m.Cols]
}

// Validate checks that the matrix's shape matches its values.
func (m *Matrix) Validate() error {
	if m == nil {
		return fmt.Errorf("gbdt: matrix is nil")
	}
	if m.Rows < 0 || m.Cols < 0 {
		return fmt.Errorf("gbdt: matrix shape %d×%d is negative", m.Rows, m.Cols)
	}
	if m.Cols > 0 && m.Rows > math.MaxInt/m.Cols {
		return fmt.Errorf("gbdt: matrix shape %d×%d overflows", m.Rows, m.Cols)
	}
	if len(m.Values) != m.Rows*m.Cols {
		return fmt.Errorf("gbdt: matrix has %d values, want rows×cols = %d×%d = %d",
			len(m.Values), m.Rows, m.Cols, m.Rows*m.Cols)
	}
	return nil
}

// validateTraining checks a training matrix and its labels: shapes, finite
// values or NaN in x, and labels in [0, 1].
func validateTraining(x *Matrix, y []float32) error {
	if err := x.Validate(); err != nil {
		return err
	}
	if x.Rows == 0 || x.Cols == 0 {
		return fmt.Errorf("gbdt: training matrix is empty (%d×%d)", x.Rows, x.Cols)
	}
	if x.Rows >= math.MaxInt32 {
		return fmt.Errorf("gbdt: %d training rows, at most %d supported", x.Rows, math.MaxInt32-1)
	}
	if x.Cols > maxFeatures {
		return fmt.Errorf("gbdt: %d features, at most %d supported", x.Cols, maxFeatures)
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
