package gbdt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mlctl/mlctl/internal/pyref"
	"github.com/mlctl/mlctl/training/matrix"
)

// handModel is a model whose contributions are worked out by hand: base
// score 0.5 (margin 0) and two trees,
//
//	tree 0: f0 < 0.5 (cover 10, missing right)
//	          yes: leaf 1 (cover 4)
//	          no:  f2 < 1 (cover 6, missing left)
//	                 yes: leaf 2 (cover 2)
//	                 no:  leaf -1 (cover 4)
//	tree 1: leaf 0.25
//
// The split nodes' values are (2·2 - 1·4)/6 = 0 and (1·4 + 0·6)/10 = 0.4.
// The weights are deliberately unlike the node values: contributions must
// not use them.
const handModel = `{"format":"mlctl-gbdt","format_version":1,"objective":"binary:logistic",
"num_features":4,"base_score":0.5,"params":{"num_round":2,"max_depth":2,"eta":0.3,"lambda":1,
"alpha":0,"gamma":0,"min_child_weight":1,"subsample":1,"colsample_bytree":1,"scale_pos_weight":1,
"base_score":0.5,"max_bin":16,"seed":0},"trees":[
{"split_feature":[0,2],"threshold":[0.5,1],"default_left":[0,1],"left":[-1,-2],"right":[1,-3],
 "gain":[1,1],"cover":[10,6],"weight":[7,-7],"leaf_value":[1,2,-1],"leaf_cover":[4,2,4]},
{"split_feature":[],"threshold":[],"default_left":[],"left":[],"right":[],"gain":[],"cover":[],
 "weight":[],"leaf_value":[0.25],"leaf_cover":[3]}]}`

func TestContributionsHandWorked(t *testing.T) {
	var m Model
	if err := json.Unmarshal([]byte(handModel), &m); err != nil {
		t.Fatal(err)
	}
	nan := float32(math.NaN())
	root := float64(float32(0.4)) // tree 0's root value, in float32
	bias := root + 0.25
	for _, tc := range []struct {
		row  []float32
		want []float64
		top  []Contribution // k = 2
	}{
		{[]float32{0.2, 9, 5, 9}, []float64{1 - root, 0, 0, 0, bias}, []Contribution{{Feature: 0, Value: 1 - root}}},
		{[]float32{1, 0, nan, 0}, []float64{-root, 0, 2, 0, bias}, []Contribution{{Feature: 2, Value: 2}}},
		// value == threshold goes right: strictly less goes left.
		{[]float32{0.5, 0, 0.99, 0}, []float64{-root, 0, 2, 0, bias}, []Contribution{{Feature: 2, Value: 2}}},
		{[]float32{nan, 0, 1, 0}, []float64{-root, 0, -1, 0, bias}, nil},
		{[]float32{float32(math.Inf(-1)), nan, nan, nan}, []float64{1 - root, 0, 0, 0, bias}, []Contribution{{Feature: 0, Value: 1 - root}}},
	} {
		out := []float64{9, 9, 9, 9, 9} // overwritten, not added to
		if err := m.Contributions(tc.row, out); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(out, tc.want) {
			t.Errorf("row %v: contributions %v, want %v", tc.row, out, tc.want)
		}
		top, err := m.TopContributions(tc.row, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(top, tc.top) {
			t.Errorf("row %v: top 2 %v, want %v", tc.row, top, tc.top)
		}
	}
}

// margin32 is the row's margin as prediction computes it, in float32.
func margin32(m *Model, row []float32) float32 {
	margin := m.baseMargin
	for i := range m.trees {
		margin += m.trees[i].leafValue(row)
	}
	return margin
}

// withMissing returns x's rows followed by a copy of its first n rows with
// a fraction frac of values replaced by NaN, so that every feature's default
// direction is taken, and when inf is set 2% by ±Inf.
func withMissing(x *matrix.Matrix, n int, frac float64, inf bool, seed uint64) *matrix.Matrix {
	rng := rand.New(rand.NewPCG(seed, 3))
	out := matrix.New(x.Rows+n, x.Cols)
	copy(out.Values, x.Values)
	extra := out.Values[x.Rows*x.Cols:]
	copy(extra, x.Values[:n*x.Cols])
	for i := range extra {
		switch u := rng.Float64(); {
		case u < frac:
			extra[i] = float32(math.NaN())
		case inf && u < frac+0.01:
			extra[i] = float32(math.Inf(1))
		case inf && u < frac+0.02:
			extra[i] = float32(math.Inf(-1))
		}
	}
	return out
}

// TestContributionsSumToMargin checks on trained models (shallow, heap
// layout and deeper than it, sampled and regularised) that every row's
// contributions add up to its margin: within 1e-5 of the float32 margin
// prediction uses, and within 1e-9 of the float64 sum of base margin and
// leaves (the sum telescopes). Features no tree splits on get exactly 0.
func TestContributionsSumToMargin(t *testing.T) {
	x, y := synthetic(3001, 11, 61)
	rows := withMissing(x, 1000, 0.3, true, 5)
	for _, tc := range []struct {
		name string
		edit func(*Params)
	}{
		{"depth1", func(p *Params) { p.MaxDepth = 1 }},
		{"depth6", func(*Params) {}},
		{"depth14", func(p *Params) { p.MaxDepth, p.MinChildWeight = 14, 0.01 }},
		{"sampled", func(p *Params) { *p = sampledParams(); p.Lambda, p.BaseScore = 3, 0.2 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultParams()
			p.Rounds = 15
			tc.edit(&p)
			m, err := Train(context.Background(), x, y, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			used := make([]bool, m.NumFeatures())
			for _, tr := range m.trees {
				for _, n := range tr.nodes {
					used[n.feature] = true
				}
			}
			out := make([]float64, m.NumFeatures()+1)
			worst32, worst64 := 0.0, 0.0
			for i := range rows.Rows {
				row := rows.Row(i)
				if err := m.Contributions(row, out); err != nil {
					t.Fatal(err)
				}
				sum := 0.0
				for f, v := range out {
					sum += v
					if f < len(used) && !used[f] && v != 0 {
						t.Fatalf("row %d: feature %d, unused by every tree, contributes %v", i, f, v)
					}
				}
				exact := float64(m.baseMargin)
				for j := range m.trees {
					exact += float64(m.trees[j].leafValue(row))
				}
				d32 := math.Abs(sum - float64(margin32(m, row)))
				d64 := math.Abs(sum - exact)
				if !(d32 <= 1e-5) || !(d64 <= 1e-9) {
					t.Fatalf("row %d: contributions add up to %.9g, margin %.9g (float32), %.12g (float64)",
						i, sum, margin32(m, row), exact)
				}
				worst32, worst64 = max(worst32, d32), max(worst64, d64)
			}
			t.Logf("%d rows, %d trees: max |Σ - margin| = %.3g (float32 margin), %.3g (float64)",
				rows.Rows, m.NumTrees(), worst32, worst64)
		})
	}
}

func TestContributionsErrors(t *testing.T) {
	m := tinyModel(t)
	row := []float32{0.1, 2, 0.5, float32(math.NaN())}
	for _, tc := range []struct {
		row []float32
		out int
	}{
		{row[:3], 5}, {append(row, 1), 5}, {nil, 5}, {row, 4}, {row, 6}, {row, 0},
	} {
		out := make([]float64, tc.out)
		if err := m.Contributions(tc.row, out); err == nil {
			t.Errorf("%d features, %d outputs: no error", len(tc.row), tc.out)
		}
	}
	if _, err := m.TopContributions(row[:3], 2, nil); err == nil {
		t.Error("TopContributions of a short row: no error")
	}
	out := make([]float64, 5)
	if allocs := testing.AllocsPerRun(100, func() {
		if err := m.Contributions(row, out); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("Contributions allocates %v times per call", allocs)
	}
	// TopContributions uses a scratch with room, else allocates its own,
	// and leaves the contributions in scratch.
	for _, scratch := range [][]float64{nil, make([]float64, 2), make([]float64, 5), make([]float64, 3, 8)} {
		top, err := m.TopContributions(row, 4, scratch)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := m.TopContributions(row, 4, nil)
		if !slices.Equal(top, want) {
			t.Errorf("scratch len %d cap %d: %v, want %v", len(scratch), cap(scratch), top, want)
		}
		if cap(scratch) >= 5 {
			if err := m.Contributions(row, out); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(scratch[:5], out) {
				t.Errorf("scratch holds %v, contributions are %v", scratch[:5], out)
			}
		}
	}
}

// TestContributionsMatchXGBoost exports trained models as XGBoost JSON and
// requires xgboost 1.7's predict(pred_contribs=True, approx_contribs=True)
// on the same rows (synthetic ones, and copies with 30% of values missing;
// XGBoost rejects infinite values) to match Contributions within 1e-5 on every feature and
// the bias. The tolerance covers XGBoost summing in float32 (one rounding
// per tree per value, of values below 10 in magnitude) where this sums in
// float64.
func TestContributionsMatchXGBoost(t *testing.T) {
	pyref.Require(t, "xgboost", "sklearn")
	x, y := synthetic(12000, 10, 11)
	rows := withMissing(x, 3000, 0.3, false, 17)
	for _, tc := range []struct {
		name  string
		edit  func(*Params)
		names []string
	}{
		{"defaults", func(*Params) {}, nil},
		{"regularised-sampled", func(p *Params) {
			p.Alpha, p.Gamma, p.Lambda, p.MinChildWeight = 0.5, 0.2, 2, 3
			p.Subsample, p.ColsampleByTree, p.ScalePosWeight, p.BaseScore = 0.8, 0.7, 2.5, 0.3
			p.MaxDepth, p.MaxBin, p.Eta = 8, 64, 0.1
		}, []string{"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9"}},
		// Trees deeper than the heap layout.
		{"deep", func(p *Params) { p.MaxDepth, p.MinChildWeight, p.Rounds = 14, 0.05, 20 }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultParams()
			p.Rounds = 60
			tc.edit(&p)
			m, err := Train(context.Background(), x, y, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var buf bytes.Buffer
			if err := m.WriteXGBoostJSON(&buf, tc.names); err != nil {
				t.Fatal(err)
			}
			modelPath := filepath.Join(dir, "model.json")
			if err := os.WriteFile(modelPath, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			pyref.WriteFloat32s(t, filepath.Join(dir, "x.f32"), rows.Values)
			pyref.Run(t, nil, "testdata/xgb.py", "contribs", modelPath, filepath.Join(dir, "x.f32"),
				fmt.Sprint(rows.Rows), fmt.Sprint(rows.Cols), filepath.Join(dir, "c.f32"))
			w := rows.Cols + 1
			ref := pyref.ReadFloat32s(t, filepath.Join(dir, "c.f32"), rows.Rows*w)
			out := make([]float64, w)
			worst, atRow, atCol := 0.0, 0, 0
			for i := range rows.Rows {
				if err := m.Contributions(rows.Row(i), out); err != nil {
					t.Fatal(err)
				}
				for j, v := range out {
					if d := math.Abs(v - float64(ref[i*w+j])); d > worst || d != d {
						worst, atRow, atCol = d, i, j
					}
				}
			}
			if !(worst <= 1e-5) {
				t.Fatalf("row %d column %d (of %d, bias last): mlctl %.9g, xgboost %.9g: |Δ| = %g > 1e-5\nrow %v",
					atRow, atCol, w, contributionAt(t, m, rows.Row(atRow), atCol), ref[atRow*w+atCol], worst, rows.Row(atRow))
			}
			t.Logf("%d rows, %d trees: max |Δ| = %.3g", rows.Rows, m.NumTrees(), worst)
		})
	}
}

func contributionAt(t *testing.T, m *Model, row []float32, col int) float64 {
	out := make([]float64, m.NumFeatures()+1)
	if err := m.Contributions(row, out); err != nil {
		t.Fatal(err)
	}
	return out[col]
}

// BenchmarkContributions computes one row's contributions at a time with
// the benchmark model (100 trees of depth 6, 55 features).
func BenchmarkContributions(b *testing.B) {
	m, x := benchSetup(b)
	out := make([]float64, m.NumFeatures()+1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := m.Contributions(x.Row(i%x.Rows), out); err != nil {
			b.Fatal(err)
		}
	}
}
