package gbdtbench

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/bench/measure"
	"github.com/mlctl/mlctl/internal/pyref"
	"github.com/mlctl/mlctl/training/gbdt"
)

// TestCompareSmall runs the whole comparison on a small matrix: both sides
// train, score and report, and their AUCs agree.
func TestCompareSmall(t *testing.T) {
	pyref.Require(t, "xgboost", "sklearn")
	x, y := Synthetic(6000, 16, 7)
	p := gbdt.DefaultParams()
	p.Rounds = 15
	res, err := Compare(context.Background(), x, y, p, []int{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.TrainRows != 4800 || res.TestRows != 1200 || len(res.Runs) != 2 || res.XGBoostVersion == "" {
		t.Fatalf("result header %+v", res)
	}
	for _, r := range res.Runs {
		if len(r.MlctlTrainSeconds) != measure.Repeats || len(r.XGBoostTrainSeconds) != measure.Repeats ||
			!(r.Ratio > 0) || !(r.MlctlPredictRowsPerSec > 0) || !(r.XGBoostPredictRowsPerSec > 0) {
			t.Fatalf("run %+v", r)
		}
		if math.Abs(r.MlctlAUC-r.XGBoostAUC) > 0.01 || r.MlctlAUC < 0.8 {
			t.Fatalf("%d threads: AUC mlctl %.4f, xgboost %.4f", r.Threads, r.MlctlAUC, r.XGBoostAUC)
		}
	}
	table := res.Table()
	if !strings.Contains(table, "| 2 |") || strings.Count(table, "\n") != 6 {
		t.Fatalf("table:\n%s", table)
	}
	t.Logf("\n%s", table)
}

func TestCompareRejectsBadInput(t *testing.T) {
	x, y := Synthetic(100, 4, 1)
	p := gbdt.DefaultParams()
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
}

func TestSyntheticIsDeterministic(t *testing.T) {
	a, ya := Synthetic(500, 13, 3)
	b, yb := Synthetic(500, 13, 3)
	for i := range a.Values {
		av, bv := a.Values[i], b.Values[i]
		if av != bv && !(av != av && bv != bv) {
			t.Fatalf("value %d differs: %v vs %v", i, av, bv)
		}
	}
	pos := 0
	for i := range ya {
		if ya[i] != yb[i] {
			t.Fatalf("label %d differs", i)
		}
		pos += int(ya[i])
	}
	if pos < 100 || pos > 300 {
		t.Fatalf("%d positives of 500, want about 40%%", pos)
	}
}
