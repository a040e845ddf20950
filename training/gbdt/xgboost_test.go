package gbdt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlctl/mlctl/internal/pyref"
)

// TestXGBoostInterop trains on mixed continuous, integer and NaN-bearing
// features, exports XGBoost JSON, and requires xgboost's predictions on the
// same rows to match Predict within 1e-6 on every row.
func TestXGBoostInterop(t *testing.T) {
	pyref.Require(t, "xgboost", "sklearn")
	x, y := synthetic(12000, 10, 11)
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
		// Trees deeper than the heap layout, so the depth-first walk is
		// compared too.
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
			if !json.Valid(buf.Bytes()) {
				t.Fatal("WriteXGBoostJSON wrote invalid JSON")
			}
			modelPath := filepath.Join(dir, "model.json")
			if err := os.WriteFile(modelPath, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			pyref.WriteFloat32s(t, filepath.Join(dir, "x.f32"), x.Values)
			pyref.Run(t, nil, "testdata/xgb.py", "predict", modelPath, filepath.Join(dir, "x.f32"),
				fmt.Sprint(x.Rows), fmt.Sprint(x.Cols), filepath.Join(dir, "p.f32"))
			ref := pyref.ReadFloat32s(t, filepath.Join(dir, "p.f32"), x.Rows)
			got := make([]float64, x.Rows)
			if err := m.Predict(x, got); err != nil {
				t.Fatal(err)
			}
			worst, at := 0.0, 0
			for i := range got {
				if d := math.Abs(got[i] - float64(ref[i])); d > worst || d != d {
					worst, at = d, i
				}
			}
			if !(worst <= 1e-6) {
				t.Fatalf("row %d: mlctl %.9f, xgboost %.9f: |Δp| = %g > 1e-6", at, got[at], ref[at], worst)
			}
			t.Logf("%d rows, %d trees: max |Δp| = %.3g", x.Rows, m.NumTrees(), worst)
		})
	}
}

// TestQualityMatchesXGBoost trains XGBoost (tree_method=hist) and this
// package with the same parameters on the same rows and requires held-out
// ROC-AUCs within 0.01: wrong gain or weight math shows up here.
func TestQualityMatchesXGBoost(t *testing.T) {
	pyref.Require(t, "xgboost", "sklearn")
	const n, ntrain = 20000, 16000
	x, y := synthetic(n, 12, 51)
	dir := t.TempDir()
	pyref.WriteFloat32s(t, filepath.Join(dir, "x.f32"), x.Values)
	pyref.WriteFloat32s(t, filepath.Join(dir, "y.f32"), y)
	xtr, ytr := sliceRows(x, y, 0, ntrain)
	xte, yte := sliceRows(x, y, ntrain, n)
	for _, tc := range []struct {
		name string
		edit func(*Params)
	}{
		{"defaults", func(*Params) {}},
		{"regularised", func(p *Params) {
			p.MaxDepth, p.Eta, p.Lambda, p.Alpha, p.Gamma, p.MinChildWeight = 4, 0.1, 3, 2, 0.5, 5
			p.ScalePosWeight, p.MaxBin, p.BaseScore = 1.7, 32, 0.4
		}},
		{"sampled", func(p *Params) { p.Subsample, p.ColsampleByTree, p.Seed = 0.8, 0.7, 9 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultParams()
			p.Rounds = 60
			tc.edit(&p)
			m, err := Train(context.Background(), xtr, ytr, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			mine := make([]float64, xte.Rows)
			if err := m.Predict(xte, mine); err != nil {
				t.Fatal(err)
			}
			params, err := json.Marshal(map[string]any{
				"max_depth": p.MaxDepth, "eta": p.Eta, "lambda": p.Lambda, "alpha": p.Alpha,
				"gamma": p.Gamma, "min_child_weight": p.MinChildWeight, "subsample": p.Subsample,
				"colsample_bytree": p.ColsampleByTree, "scale_pos_weight": p.ScalePosWeight,
				"base_score": p.BaseScore, "max_bin": p.MaxBin, "seed": p.Seed,
			})
			if err != nil {
				t.Fatal(err)
			}
			paramPath := filepath.Join(dir, tc.name+".json")
			if err := os.WriteFile(paramPath, params, 0o600); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, tc.name+".f32")
			pyref.Run(t, nil, "testdata/xgb.py", "train", filepath.Join(dir, "x.f32"), filepath.Join(dir, "y.f32"),
				fmt.Sprint(n), fmt.Sprint(x.Cols), fmt.Sprint(ntrain), paramPath, fmt.Sprint(p.Rounds), out)
			all := pyref.ReadFloat32s(t, out, n)
			ref := make([]float64, xte.Rows)
			for i := range ref {
				ref[i] = float64(all[ntrain+i])
			}
			a, b := aucOf(mine, yte), aucOf(ref, yte)
			t.Logf("held-out AUC: mlctl %.4f, xgboost %.4f", a, b)
			if math.Abs(a-b) > 0.01 {
				t.Fatalf("held-out AUC mlctl %.4f vs xgboost %.4f: |Δ| > 0.01", a, b)
			}
		})
	}
}
