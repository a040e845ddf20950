package iforestbench

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/bench/measure"
	"github.com/mlctl/mlctl/internal/pyref"
	"github.com/mlctl/mlctl/training/iforest"
)

// TestCompareSmall runs the whole comparison on a small data set: both
// sides fit, score and report, and their AUCs agree.
func TestCompareSmall(t *testing.T) {
	pyref.Require(t, "sklearn", "numpy")
	x, y := Synthetic(8000, 12, 0.03, 7)
	p := iforest.DefaultParams()
	p.Seed = 3
	res, err := Compare(context.Background(), x, y, p, []int{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.TestRows != 1600 || res.BaselineRows < 6000 || res.TestAnomalies < 20 || len(res.Runs) != 2 || res.SklearnVersion == "" {
		t.Fatalf("result header %+v", res)
	}
	for _, r := range res.Runs {
		if len(r.MlctlFitSeconds) != measure.Repeats || len(r.SklearnScoreSeconds) != measure.Repeats || !(r.Ratio > 0) ||
			!(r.MlctlTotalMedian > 0) || !(r.SklearnTotalMedian > 0) {
			t.Fatalf("run %+v", r)
		}
		// One forest a side on 1,600 rows: the AUCs vary by a few
		// hundredths with the seed alone.
		if math.Abs(r.MlctlAUC-r.SklearnAUC) > 0.03 || r.MlctlAUC < 0.8 {
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
	x, y := Synthetic(100, 4, 0.1, 1)
	p := iforest.DefaultParams()
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
	bad := append([]float32(nil), y...)
	bad[3] = 0.5
	if _, err := Compare(ctx, x, bad, p, []int{1}); err == nil {
		t.Error("a label of 0.5 accepted")
	}
	if _, err := Compare(ctx, x, make([]float32, x.Rows), p, []int{1}); err == nil {
		t.Error("no anomalies accepted")
	}
}

func TestSyntheticIsDeterministic(t *testing.T) {
	a, ya := Synthetic(2000, 9, 0.05, 3)
	b, yb := Synthetic(2000, 9, 0.05, 3)
	for i := range a.Values {
		if a.Values[i] != b.Values[i] {
			t.Fatalf("value %d differs", i)
		}
	}
	n := 0
	for i := range ya {
		if ya[i] != yb[i] {
			t.Fatalf("label %d differs", i)
		}
		n += int(ya[i])
	}
	if n < 70 || n > 130 {
		t.Fatalf("%d anomalies of 2000, want about 5%%", n)
	}
}

func TestAnomalyAUC(t *testing.T) {
	y := []float32{0, 0, 1, 1}
	for _, tc := range []struct {
		s    []float64
		want float64
	}{
		{[]float64{-0.4, -0.45, -0.7, -0.6}, 1},
		{[]float64{-0.7, -0.6, -0.4, -0.45}, 0},
		{[]float64{-0.5, -0.5, -0.5, -0.5}, 0.5},
	} {
		if got := anomalyAUC(tc.s, y); got != tc.want {
			t.Errorf("anomalyAUC(%v) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestSklearnParamsKeepFractions(t *testing.T) {
	p := iforest.DefaultParams()
	p.Seed = 1<<32 + 5
	b, err := json.Marshal(sklearnParams(p))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"bootstrap":false,"max_features":1.0,"max_samples":256,"n_estimators":100,"random_state":5}`
	if string(b) != want {
		t.Fatalf("sklearn parameters %s, want %s", b, want)
	}
}
