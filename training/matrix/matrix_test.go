package matrix

import (
	"strings"
	"testing"
)

// TestCheckShape: a matrix to learn from is refused when its values do not
// fill its shape, when it is empty, or when it has more columns than the
// learner takes, with the reason.
func TestCheckShape(t *testing.T) {
	for _, c := range []struct {
		m    *Matrix
		want string
	}{
		{nil, "matrix is nil"},
		{&Matrix{Rows: 2, Cols: 2, Values: make([]float32, 3)}, "has 3 values"},
		{&Matrix{Rows: -1, Cols: 2}, "negative"},
		{New(0, 3), "training matrix is empty (0×3)"},
		{New(2, 5), "5 features, at most 4 supported"},
		{New(2, 4), ""},
	} {
		err := c.m.CheckShape("training", 4)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%+v: %v, want %q", c.m, err, c.want)
		}
	}
	if r := New(3, 2).Row(1); len(r) != 2 || cap(r) != 2 {
		t.Errorf("row has len %d cap %d, want 2 and 2", len(r), cap(r))
	}
}
