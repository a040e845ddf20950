package forest

import (
	"math"
	"testing"
)

// TestContributionsSumToPrediction: for every row, the bias and the
// features' contributions add up to PredictRow's probability, and the bias
// is the mean root value, the same for every row.
func TestContributionsSumToPrediction(t *testing.T) {
	x, y := synthetic(4000, 10, 41, true)
	for _, p := range []Params{DefaultParams(), randomParams()} {
		p.Trees = 30
		m := mustTrain(t, x, y, p)
		F := m.NumFeatures()
		out := make([]float64, F+1)
		bias := math.NaN()
		for r := range 500 {
			row := x.Row(r)
			if err := m.Contributions(row, out); err != nil {
				t.Fatal(err)
			}
			sum := 0.0
			for _, v := range out {
				sum += v
			}
			if p := m.PredictRow(row); math.Abs(sum-p) > 1e-9 {
				t.Fatalf("row %d: contributions sum to %v, prediction %v", r, sum, p)
			}
			if r == 0 {
				bias = out[F]
			} else if out[F] != bias {
				t.Fatalf("row %d: bias %v, row 0 had %v", r, out[F], bias)
			}
		}
		// The bias is the mean root value: the class-weighted positive share.
		root := 0.0
		for i := range m.trees {
			root += float64(m.trees[i].nodeValue[0])
		}
		if want := root / float64(m.NumTrees()); math.Abs(bias-want) > 1e-12 {
			t.Fatalf("bias %v, mean root value %v", bias, want)
		}
	}
}

// TestContributionsHandChecked: on the stump of TestStumpOnSeparableData a
// row left of the split gets bias 0.5 and -0.5 on feature 0; a row right
// gets +0.5.
func TestContributionsHandChecked(t *testing.T) {
	var rows [][]float32
	var y []float32
	for i := range 10 {
		rows = append(rows, []float32{float32(i), float32(i % 3)})
		y = append(y, float32(b2f(i >= 5)))
	}
	m := mustTrain(t, matrixOf(rows), y, stumpParams(0))
	out := make([]float64, 3)
	for _, tc := range []struct {
		v    float32
		want [3]float64
	}{{1, [3]float64{-0.5, 0, 0.5}}, {8, [3]float64{0.5, 0, 0.5}}} {
		if err := m.Contributions([]float32{tc.v, 2}, out); err != nil {
			t.Fatal(err)
		}
		if [3]float64(out) != tc.want {
			t.Errorf("x = %v: contributions %v, want %v", tc.v, out, tc.want)
		}
	}
	top, err := m.TopContributions([]float32{8, 2}, 5, nil)
	if err != nil || len(top) != 1 || top[0].Feature != 0 || top[0].Value != 0.5 {
		t.Errorf("TopContributions = %v, %v; want feature 0 at +0.5", top, err)
	}
	if top, _ := m.TopContributions([]float32{1, 2}, 5, nil); top != nil {
		t.Errorf("TopContributions of a row pushed down = %v, want none", top)
	}
}

// TestTopContributions: the largest positive contributions, largest first,
// at most k, matching Contributions; scratch is used when large enough.
func TestTopContributions(t *testing.T) {
	x, y := synthetic(4000, 12, 42, true)
	p := DefaultParams()
	p.Trees = 20
	m := mustTrain(t, x, y, p)
	F := m.NumFeatures()
	scratch := make([]float64, F+1)
	all := make([]float64, F+1)
	for r := range 200 {
		row := x.Row(r)
		top, err := m.TopContributions(row, 5, scratch)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Contributions(row, all); err != nil {
			t.Fatal(err)
		}
		if [13]float64(all) != [13]float64(scratch) {
			t.Fatalf("row %d: scratch does not hold the contributions", r)
		}
		positive := 0
		for _, v := range all[:F] {
			if v > 0 {
				positive++
			}
		}
		if len(top) != min(5, positive) {
			t.Fatalf("row %d: %d top features, %d positive", r, len(top), positive)
		}
		for i, c := range top {
			if all[c.Feature] != c.Value || c.Value <= 0 {
				t.Fatalf("row %d: top %v disagrees with %v", r, c, all)
			}
			if i > 0 && c.Value > top[i-1].Value {
				t.Fatalf("row %d: not sorted: %v", r, top)
			}
		}
		if len(top) > 0 {
			last := top[len(top)-1].Value
			for f, v := range all[:F] {
				in := false
				for _, c := range top {
					in = in || c.Feature == f
				}
				if !in && v > last {
					t.Fatalf("row %d: feature %d (%v) beats the top's last %v", r, f, v, last)
				}
			}
		}
	}
	if _, err := m.TopContributions(make([]float32, F-1), 5, nil); err == nil {
		t.Error("short row accepted")
	}
	if err := m.Contributions(x.Row(0), make([]float64, F)); err == nil {
		t.Error("short output accepted")
	}
	if top, err := m.TopContributions(x.Row(0), 0, nil); top != nil || err != nil {
		t.Errorf("k = 0: %v, %v", top, err)
	}
}

func BenchmarkContributions(b *testing.B) {
	x, y := synthetic(20000, 44, 43, true)
	p := DefaultParams()
	m, _ := Train(b.Context(), x, y, p, Options{})
	out := make([]float64, 45)
	b.ResetTimer()
	for i := range b.N {
		_ = m.Contributions(x.Row(i%x.Rows), out)
	}
}
