// Package matrix holds the dense feature matrix every learner trains on and
// predicts from. It belongs to no algorithm, so forests and isolation
// forests do not import the gradient-boosting package to read a row.
package matrix

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

// New returns a zero-filled rows×cols matrix.
func New(rows, cols int) *Matrix {
	return &Matrix{Rows: rows, Cols: cols, Values: make([]float32, rows*cols)}
}

// Row returns row i as a slice of the matrix's values (not a copy).
func (m *Matrix) Row(i int) []float32 {
	return m.Values[i*m.Cols : (i+1)*m.Cols : (i+1)*m.Cols]
}

// Validate checks that the matrix's shape matches its values.
func (m *Matrix) Validate() error {
	if m == nil {
		return fmt.Errorf("matrix is nil")
	}
	if m.Rows < 0 || m.Cols < 0 {
		return fmt.Errorf("matrix shape %d×%d is negative", m.Rows, m.Cols)
	}
	if m.Cols > 0 && m.Rows > math.MaxInt/m.Cols {
		return fmt.Errorf("matrix shape %d×%d overflows", m.Rows, m.Cols)
	}
	if len(m.Values) != m.Rows*m.Cols {
		return fmt.Errorf("matrix has %d values, want rows×cols = %d×%d = %d",
			len(m.Values), m.Rows, m.Cols, m.Rows*m.Cols)
	}
	return nil
}

// CheckShape validates a matrix to learn from: a consistent shape, not
// empty, fewer than 2³¹-1 rows and at most maxCols columns. what names the
// matrix in errors ("training", "baseline").
func (m *Matrix) CheckShape(what string, maxCols int) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if m.Rows == 0 || m.Cols == 0 {
		return fmt.Errorf("%s matrix is empty (%d×%d)", what, m.Rows, m.Cols)
	}
	if m.Rows >= math.MaxInt32 {
		return fmt.Errorf("%d %s rows, at most %d supported", m.Rows, what, math.MaxInt32-1)
	}
	if m.Cols > maxCols {
		return fmt.Errorf("%d features, at most %d supported", m.Cols, maxCols)
	}
	return nil
}
