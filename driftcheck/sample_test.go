package driftcheck_test

import (
	"slices"
	"testing"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/driftcheck"
)

// TestSampleIsSeededAndOrdered: a sample keeps the items' order, is the
// same for the same seed and differs between the two sides' seeds; few
// items are returned as they are.
func TestSampleIsSeededAndOrdered(t *testing.T) {
	items := make([]int, 1000)
	for i := range items {
		items[i] = i
	}
	a := driftcheck.Sample(items, 100, driftcheck.TrainSeed)
	b := driftcheck.Sample(items, 100, driftcheck.TrainSeed)
	c := driftcheck.Sample(items, 100, driftcheck.RecentSeed)
	if len(a) != 100 || !slices.IsSorted(a) || !slices.Equal(a, b) || slices.Equal(a, c) {
		t.Fatalf("samples %v / %v / %v", a[:5], b[:5], c[:5])
	}
	if got := driftcheck.Sample(items[:10], 100, 1); len(got) != 10 {
		t.Fatalf("a sample of 100 of 10 items has %d", len(got))
	}
}

// TestPickColumns: columns picked by index, in new rows.
func TestPickColumns(t *testing.T) {
	in := [][]float64{{1, 2, 3}, {4, 5, 6}}
	out := driftcheck.PickColumns([]int{2, 0}, in)
	if !slices.Equal(out[0], []float64{3, 1}) || !slices.Equal(out[1], []float64{6, 4}) {
		t.Fatalf("picked %v", out)
	}
	out[0][0] = 9
	if in[0][2] != 3 {
		t.Fatal("picking changed the input")
	}
}

// TestBaselineRows: the benign baseline keeps label 0, or every row when
// none is benign; the full one keeps every row.
func TestBaselineRows(t *testing.T) {
	rows := []datasets.Row{{Name: "a", Label: 0}, {Name: "b", Label: 1}, {Name: "c", Label: 0}}
	if got := driftcheck.BaselineRows(rows, driftcheck.BaselineBenign); len(got) != 2 || got[1].Name != "c" {
		t.Fatalf("benign %v", got)
	}
	if got := driftcheck.BaselineRows(rows, driftcheck.BaselineAll); len(got) != 3 {
		t.Fatalf("all %v", got)
	}
	if got := driftcheck.BaselineRows(rows[1:2], driftcheck.BaselineBenign); len(got) != 1 {
		t.Fatalf("no benign row: %v", got)
	}
}
