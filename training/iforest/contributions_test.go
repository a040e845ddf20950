package iforest

import (
	"context"
	"math"
	"slices"
	"testing"
)

func TestContributionsHandForest(t *testing.T) {
	m := loadHand(t)
	c3, c4 := sklearnC[3], sklearnC[4]
	// Expected path lengths of tree 0's nodes: E(0) = c(4), E(1) = 1 + c(3),
	// E(2) = 1, E(3) = 2, E(4) = 3; tree 1 is a leaf with E = c(4). The
	// bias is -(c(4) + c(4))/2.
	bias := -c4
	for _, tc := range []struct {
		row  []float32
		want [2]float64 // per feature, halved over the two trees
		top  []Contribution
	}{
		// Node 0 → 2 on f0: c(4) - 1.
		{[]float32{5, 0}, [2]float64{(c4 - 1) / 2, 0}, []Contribution{{Feature: 0, Value: (c4 - 1) / 2}}},
		// Node 0 → 1 on f0, 1 → 3 on f1.
		{[]float32{0, -1}, [2]float64{(c4 - 1 - c3) / 2, (1 + c3 - 2) / 2}, []Contribution{{Feature: 1, Value: (c3 - 1) / 2}}},
		// Node 0 → 1 on f0, 1 → 4 on f1: both lengthen the path.
		{[]float32{1, 1}, [2]float64{(c4 - 1 - c3) / 2, (1 + c3 - 3) / 2}, nil},
	} {
		out := []float64{9, 9, 9} // overwritten, not added to
		if err := m.Contributions(tc.row, out); err != nil {
			t.Fatal(err)
		}
		want := []float64{tc.want[0], tc.want[1], bias}
		for i := range want {
			if math.Abs(out[i]-want[i]) > 1e-15 {
				t.Errorf("row %v: contributions %v, want %v", tc.row, out, want)
				break
			}
		}
		// They add up to -E[h(x)], recovered from the score.
		s, _ := m.ScoreRow(tc.row)
		eh := -c4 * math.Log2(-s)
		if sum := out[0] + out[1] + out[2]; math.Abs(sum+eh) > 1e-12 {
			t.Errorf("row %v: contributions add up to %v, -E[h] = %v", tc.row, sum, -eh)
		}
		top, err := m.TopContributions(tc.row, 5, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(top) != len(tc.top) || (len(top) > 0 && (top[0].Feature != tc.top[0].Feature || math.Abs(top[0].Value-tc.top[0].Value) > 1e-15)) {
			t.Errorf("row %v: top %v, want %v", tc.row, top, tc.top)
		}
	}
	if err := m.Contributions([]float32{1}, make([]float64, 3)); err == nil {
		t.Error("a short row was accepted")
	}
	if err := m.Contributions([]float32{1, 2}, make([]float64, 2)); err == nil {
		t.Error("an output without room for the bias was accepted")
	}
	if _, err := m.TopContributions([]float32{1}, 5, nil); err == nil {
		t.Error("TopContributions accepted a short row")
	}
}

// TestContributionsExplainPlantedAnomaly: on a trained forest the
// contributions add up to -E[h(x)] for every row, and a row pushed far out
// on one feature has that feature first among its top 5.
func TestContributionsExplainPlantedAnomaly(t *testing.T) {
	x, _ := synthetic(5000, 0, 26)
	x = withMissing(x)
	m, err := Train(context.Background(), x, DefaultParams(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := make([]float64, x.Cols+1)
	for r := 0; r < x.Rows; r += 97 {
		if err := m.Contributions(x.Row(r), c); err != nil {
			t.Fatal(err)
		}
		s, _ := m.ScoreRow(x.Row(r))
		eh := -m.norm * math.Log2(-s)
		sum := 0.0
		for _, v := range c {
			sum += v
		}
		if math.Abs(sum+eh) > 1e-9 {
			t.Fatalf("row %d: contributions add up to %v, -E[h] = %v", r, sum, -eh)
		}
	}
	for _, f := range []int{0, 4, 8} {
		row := slices.Clone(x.Row(1))
		row[f] += 12
		top, err := m.TopContributions(row, 5, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(top) == 0 || top[0].Feature != f {
			t.Errorf("feature %d pushed out: top contributions %v", f, top)
		}
		for i := 1; i < len(top); i++ {
			if top[i].Value > top[i-1].Value || top[i].Value <= 0 {
				t.Errorf("top contributions not positive and descending: %v", top)
			}
		}
		if len(top) > 5 {
			t.Errorf("%d top contributions for k = 5", len(top))
		}
	}
}
