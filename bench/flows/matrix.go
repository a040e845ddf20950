package flowsbench

import "github.com/mlctl/mlctl/training/matrix"

// matrixOf is one capture's units as a float32 matrix with 0/1 labels.
type matrixOf struct {
	w Windows
	x *matrix.Matrix
	y []float32
	// block is each row's threshold fold: its time block.
	block []int
}

func newMatrix(w Windows, cols, blocks int) matrixOf {
	m := matrixOf{w: w, x: matrix.New(len(w.Units), cols), y: make([]float32, len(w.Units)), block: make([]int, len(w.Units))}
	for i, u := range w.Units {
		row := m.x.Row(i)
		for j, v := range u.Values {
			row[j] = float32(v)
		}
		m.y[i] = float32(u.Label)
		// Units are ordered by window start: equal runs are time blocks.
		m.block[i] = i * blocks / len(w.Units)
	}
	return m
}

// stack concatenates the captures' rows. Blocks keep their numbers, so a
// threshold fold holds the same share of every capture's time.
func stack(ms []matrixOf) (*matrix.Matrix, []float32, []int) {
	n := 0
	for _, m := range ms {
		n += m.x.Rows
	}
	x := matrix.New(n, ms[0].x.Cols)
	y := make([]float32, 0, n)
	block := make([]int, 0, n)
	off := 0
	for _, m := range ms {
		copy(x.Values[off:], m.x.Values)
		off += len(m.x.Values)
		y = append(y, m.y...)
		block = append(block, m.block...)
	}
	return x, y, block
}

// rows copies the rows idx of x and y.
func rows(x *matrix.Matrix, y []float32, idx []int) (*matrix.Matrix, []float32) {
	out := matrix.New(len(idx), x.Cols)
	oy := make([]float32, len(idx))
	for j, i := range idx {
		copy(out.Row(j), x.Row(i))
		oy[j] = y[i]
	}
	return out, oy
}

// labelsOf converts 0/1 float labels to ints, as training/eval takes them.
func labelsOf(y []float32) []int {
	l := make([]int, len(y))
	for i, v := range y {
		l[i] = int(v)
	}
	return l
}
