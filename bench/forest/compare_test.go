package forestbench

import (
	"context"
	"math"
	"strings"
	"testing"

	gbdtbench "github.com/mlctl/mlctl/bench/gbdt"
	"github.com/mlctl/mlctl/bench/measure"
	"github.com/mlctl/mlctl/internal/pyref"
	"github.com/mlctl/mlctl/training/forest"
)

// TestCompareSmall runs the whole comparison on a small matrix with missing
// values: both sides fit, score and report, and their AUCs agree.
func TestCompareSmall(t *testing.T) {
	pyref.Require(t, "sklearn", "numpy")
	x, y := gbdtbench.Synthetic(5000, 16, 7)
	p := forest.DefaultParams()
	p.Trees = 30
	res, err := Compare(context.Background(), x, y, p, []int{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.TrainRows != 4000 || res.TestRows != 1000 || len(res.Runs) != 2 || !strings.HasPrefix(res.SklearnVersion, "1.") {
		t.Fatalf("result header %+v", res)
	}
	for _, r := range res.Runs {
		if len(r.MlctlFitSeconds) != measure.Repeats || len(r.SklearnFitSeconds) != measure.Repeats || !(r.Ratio > 0) ||
			!(r.MlctlPredictRowsPerSec > 0) || !(r.SklearnPredictRowsPerSec > 0) || r.MlctlNodes == 0 || r.MlctlJSONBytes == 0 {
			t.Fatalf("run %+v", r)
		}
		if math.Abs(r.MlctlAUC-r.SklearnAUC) > 0.02 || r.MlctlAUC < 0.8 {
			t.Fatalf("%d threads: AUC mlctl %.4f, sklearn %.4f", r.Threads, r.MlctlAUC, r.SklearnAUC)
		}
	}
	table := res.Table()
	if !strings.Contains(table, "| 2 |") || strings.Count(table, "\n") != 6 {
		t.Fatalf("table:\n%s", table)
	}
	t.Logf("\n%s", table)
}

func TestCompareRejectsBadInput(t *testing.T) {
	x, y := gbdtbench.Synthetic(100, 4, 1)
	p := forest.DefaultParams()
	ctx := context.Background()
	if _, err := Compare(ctx, x, y[:5], p, []int{1}); err == nil {
		t.Error("label count mismatch accepted")
	}
	if _, err := Compare(ctx, x, y, p, nil); err == nil {
		t.Error("no thread counts accepted")
	}
	if _, err := Compare(ctx, x, y, p, []int{0}); err == nil {
		t.Error("0 threads accepted")
	}
	p.MinSamplesLeaf = 0
	if _, err := Compare(ctx, x, y, p, []int{1}); err == nil {
		t.Error("bad params accepted")
	}
}

func TestSklearnParams(t *testing.T) {
	p := forest.DefaultParams()
	kw := SklearnParams(p)
	if kw["max_features"] != "sqrt" || kw["max_depth"] != nil || kw["class_weight"] != nil || kw["n_estimators"] != 100 {
		t.Fatalf("defaults: %v", kw)
	}
	p.MaxFeatures, p.MaxDepth, p.ClassWeight, p.Bootstrap = "0.3", 9, forest.ClassWeightBalanced, false
	kw = SklearnParams(p)
	if kw["max_features"] != 0.3 || kw["max_depth"] != 9 || kw["class_weight"] != "balanced" || kw["bootstrap"] != false {
		t.Fatalf("edited: %v", kw)
	}
	for mf, want := range map[string]any{"all": nil, "5": 5, "log2": "log2"} {
		p.MaxFeatures = mf
		if got := SklearnParams(p)["max_features"]; got != want {
			t.Errorf("max_features %q: %v, want %v", mf, got, want)
		}
	}
}
