package gbdt

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/training/matrix"
)

// TestPredictPaths checks that the block walk, the single-row walk and the
// depth-first walk agree exactly on every row (NaN included), for shallow
// trees and for trees deeper than the heap layout, and for row counts that
// are not multiples of a block.
func TestPredictPaths(t *testing.T) {
	x, y := synthetic(3001, 11, 61)
	for _, depth := range []int{1, 6, 14} {
		p := DefaultParams()
		p.Rounds, p.MaxDepth, p.MinChildWeight = 15, depth, 0.01
		m, err := Train(context.Background(), x, y, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		maxDepth := 0
		for _, tr := range m.trees {
			maxDepth = max(maxDepth, tr.depth())
		}
		if depth == 14 && maxDepth <= maxHeapDepth {
			t.Fatalf("depth-14 model is only %d deep: the fallback walk is not tested", maxDepth)
		}
		out := make([]float64, x.Rows)
		if err := m.Predict(x, out); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < x.Rows; i++ {
			row := x.Row(i)
			margin := m.baseMargin
			for _, tr := range m.trees {
				margin += tr.leafValue(row)
			}
			want := float64(sigmoid32(margin))
			if out[i] != want {
				t.Fatalf("depth %d row %d: Predict %v, depth-first walk %v", depth, i, out[i], want)
			}
			if got := m.PredictRow(row); got != want {
				t.Fatalf("depth %d row %d: PredictRow %v, depth-first walk %v", depth, i, got, want)
			}
		}
	}
}

func TestPredictErrors(t *testing.T) {
	m := tinyModel(t)
	if err := m.Predict(matrix.New(3, 5), make([]float64, 3)); err == nil || !strings.Contains(err.Error(), "5 features, model wants 4") {
		t.Errorf("wrong width: %v", err)
	}
	if err := m.Predict(matrix.New(3, 4), make([]float64, 2)); err == nil || !strings.Contains(err.Error(), "room for 2") {
		t.Errorf("short output: %v", err)
	}
	if err := m.Predict(&matrix.Matrix{Rows: 2, Cols: 4, Values: make([]float32, 7)}, make([]float64, 2)); err == nil {
		t.Error("inconsistent matrix accepted")
	}
	if err := m.Predict(matrix.New(0, 4), nil); err != nil {
		t.Errorf("empty matrix: %v", err)
	}
}

func TestPredictNoAllocPerRow(t *testing.T) {
	m := tinyModel(t)
	x, _ := synthetic(1000, 4, 62)
	out := make([]float64, x.Rows)
	row := x.Row(0)
	if a := testing.AllocsPerRun(20, func() { m.PredictRow(row) }); a != 0 {
		t.Errorf("PredictRow allocates %v times", a)
	}
	// Predict allocates per call (its goroutines' scratch), not per row.
	small := testing.AllocsPerRun(5, func() { _ = m.Predict(&matrix.Matrix{Rows: 100, Cols: 4, Values: x.Values[:400]}, out) })
	large := testing.AllocsPerRun(5, func() { _ = m.Predict(x, out) })
	if large > small+4 {
		t.Errorf("Predict allocates %v times for 1000 rows, %v for 100", large, small)
	}
}

func TestTrainRejectsBadInput(t *testing.T) {
	p := DefaultParams()
	ctx := context.Background()
	x, y := tinyData()
	for _, tc := range []struct {
		name string
		x    *matrix.Matrix
		y    []float32
		want string
	}{
		{"nil", nil, y, "matrix is nil"},
		{"shape", &matrix.Matrix{Rows: 4, Cols: 2, Values: x.Values}, y, "4 values, want rows×cols = 4×2 = 8"},
		{"labels", x, y[:3], "3 labels for 4 rows"},
		{"label-range", x, []float32{0, 2, 1, 1}, "label of row 1 is 2"},
		{"label-nan", x, []float32{0, 0, float32(math.NaN()), 1}, "label of row 2 is NaN"},
		{"inf", &matrix.Matrix{Rows: 4, Cols: 1, Values: []float32{1, float32(math.Inf(1)), 3, 4}}, y, "row 1 feature 0 is +Inf"},
		{"empty", &matrix.Matrix{}, nil, "training matrix is empty"},
	} {
		if _, err := Train(ctx, tc.x, tc.y, p, Options{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	p.Eta = 0
	if _, err := Train(ctx, x, y, p, Options{}); err == nil || !strings.Contains(err.Error(), "eta") {
		t.Errorf("eta 0: err = %v", err)
	}
}

func TestWriteXGBoostJSONFeatureNames(t *testing.T) {
	m := tinyModel(t)
	var buf bytes.Buffer
	for _, tc := range []struct {
		names []string
		want  string
	}{
		{[]string{"a", "b", "c"}, "3 feature names for 4 features"},
		{[]string{"a", "b", "a", "d"}, "feature names 0 and 2 are both \"a\""},
		{[]string{"a", "b[1]", "c", "d"}, "contains '[', ']' or '<'"},
		{[]string{"a", "", "c", "d"}, "feature name 1 is empty"},
	} {
		if err := m.WriteXGBoostJSON(&buf, tc.names); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("names %q: err = %v, want %q", tc.names, err, tc.want)
		}
	}
	buf.Reset()
	if err := m.WriteXGBoostJSON(&buf, []string{"länge", "b", "c\"q", "d"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"c\"q"`) {
		t.Errorf("feature name not JSON-escaped: %s", buf.String()[:120])
	}
}
