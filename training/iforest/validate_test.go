package iforest

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/training/matrix"
)

func TestValidate(t *testing.T) {
	nan := float32(math.NaN())
	// Columns: varying; all missing; constant 3 where present; constant 0;
	// varying only between present values 1 and 2.
	x := &matrix.Matrix{Rows: 3, Cols: 5, Values: []float32{
		1, nan, 3, 0, nan,
		2, nan, nan, 0, 1,
		1, nan, 3, 0, 2,
	}}
	names := []string{"hits", "ja4", "ttl", "has_cookie", "jitter"}
	kept, rep, err := Validate(x, names, 0.4)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(kept, []int{0, 4}) || !slices.Equal(rep.Kept, kept) || rep.Features != 5 || rep.Ratio() != 0.4 {
		t.Fatalf("kept %v, report %+v", kept, rep)
	}
	want := []DroppedFeature{{1, "ja4", ReasonMissing, 0}, {2, "ttl", ReasonConstant, 3}, {3, "has_cookie", ReasonConstant, 0}}
	if !slices.Equal(rep.Dropped, want) {
		t.Fatalf("dropped %+v, want %+v", rep.Dropped, want)
	}
	// Above the ratio: an error naming every dropped column and why.
	_, rep, err = Validate(x, names, 0.5)
	if err == nil {
		t.Fatal("2 of 5 valid features accepted with min ratio 0.5")
	}
	for _, s := range []string{"only 2 of 5 features are valid (40%, min_valid_feature_ratio 50%)",
		"ja4 (missing)", "ttl (constant 3)", "has_cookie (constant 0)"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
	if len(rep.Dropped) != 3 {
		t.Errorf("the report of a refused baseline lists %d dropped columns, want 3", len(rep.Dropped))
	}
	// Without names, columns are f0, f1, ...; no valid column at all is an
	// error even with ratio 0.
	_, _, err = Validate(&matrix.Matrix{Rows: 2, Cols: 2, Values: []float32{1, nan, 1, nan}}, nil, 0)
	if err == nil || !strings.Contains(err.Error(), "f0 (constant 1), f1 (missing)") {
		t.Errorf("err = %v", err)
	}
	for _, bad := range []struct {
		x     *matrix.Matrix
		names []string
		ratio float64
	}{
		{x, names[:2], 0.5},
		{x, names, 1.5},
		{x, names, math.NaN()},
		{matrix.New(3, 0), nil, 0.5},
		{nil, nil, 0.5},
	} {
		if _, _, err := Validate(bad.x, bad.names, bad.ratio); err == nil {
			t.Errorf("Validate(%v, %v, %v) succeeded", bad.x, bad.names, bad.ratio)
		}
	}
}

// TestTrainUsesOnlyKeptFeatures: the trees never split on a dropped
// column, and the model still takes full-width rows.
func TestTrainUsesOnlyKeptFeatures(t *testing.T) {
	x, _ := synthetic(2000, 0, 24)
	for r := range x.Rows {
		x.Row(r)[3] = 5
		x.Row(r)[7] = float32(math.NaN())
	}
	m, err := trainDefault(x)
	if err != nil {
		t.Fatal(err)
	}
	if m.NumFeatures() != 10 || len(m.Validation().Kept) != 8 {
		t.Fatalf("%d features, validation %+v", m.NumFeatures(), m.Validation())
	}
	for i, n := range m.nodes {
		if !m.isLeaf(uint32(i)) && (n.feature == 3 || n.feature == 7) {
			t.Fatalf("node %d splits on dropped feature %d", i, n.feature)
		}
	}
	c := make([]float64, 11)
	if err := m.Contributions(x.Row(0), c); err != nil {
		t.Fatal(err)
	}
	if c[3] != 0 || c[7] != 0 {
		t.Fatalf("dropped features have contributions %v and %v", c[3], c[7])
	}
}
