package tunebench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/internal/pyref"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/tuning"
)

const goodOutput = `{"versions": {"optuna": "3.1.0", "xgboost": "1.7.4", "sklearn": "1.2.1", "numpy": "1.24.2"},
 "rows": 10, "tuned_rows": 8, "test_rows": 2, "holdout_rows": 1, "benign_test_rows": 1,
 "load_seconds": 0.1, "search_seconds": 2.5, "retrain_seconds": 0.2, "total_seconds": 3,
 "trials": [{"trial": 0, "value": 0.9, "params": {"max_depth": 4, "eta": 0.1}, "fold_values": [0.8, 1.0], "seconds": 1.2},
            {"trial": 1, "value": 0.95, "params": {"max_depth": 7, "eta": 0.3}, "fold_values": [0.9, 1.0], "seconds": 1.3}],
 "best": {"trial": 1, "value": 0.95, "params": {"max_depth": 7, "eta": 0.3}},
 "test_auc": 0.97, "holdout_auc": 0.93}`

func TestParseOptuna(t *testing.T) {
	r, err := ParseOptuna([]byte(goodOutput), 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.Best.Number != 1 || r.Best.Params["max_depth"] != 7.0 || r.SearchSeconds != 2.5 || r.HoldoutAUC != 0.93 || r.Versions["optuna"] != "3.1.0" {
		t.Fatalf("parsed %+v", r)
	}
	for _, c := range []struct{ name, from, to, want string }{
		{"fewer trials", `"trial": 1, "value": 0.95, "params": {"max_depth": 7, "eta": 0.3}, "fold_values"`, `"trial": 1, "value": 0.95, "params": {}, "fold_values"`, ""},
		{"best not among the trials", `"best": {"trial": 1`, `"best": {"trial": 5`, "not among"},
		{"best value not its trial's", `"best": {"trial": 1, "value": 0.95`, `"best": {"trial": 1, "value": 0.99`, "not among"},
		{"a trial without folds", `"fold_values": [0.8, 1.0]`, `"fold_values": []`, "no fold values"},
		{"an AUC out of range", `"holdout_auc": 0.93`, `"holdout_auc": 0`, "want in (0, 1]"},
		{"an unknown field", `"rows": 10`, `"rowz": 10`, "unknown field"},
		{"not JSON", goodOutput, "Traceback (most recent call last):", "no result"},
	} {
		out := strings.Replace(goodOutput, c.from, c.to, 1)
		want := 2
		if c.name == "fewer trials" {
			want = 3
		}
		_, err := ParseOptuna([]byte(out), want)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
}

// TestOptunaScriptOnTinyData runs optuna_xgb.py (Debian's python3-optuna
// and python3-xgboost, `make pyref`) on a few hundred separable rows: 3
// trials of 2 folds on the space the benchmark gives it.
func TestOptunaScriptOnTinyData(t *testing.T) {
	pyref.Require(t, "optuna", "xgboost", "sklearn")
	dir := t.TempDir()
	rnd := rand.New(rand.NewPCG(1, 2))
	const n, cols = 400, 3
	v := &Vectors{Columns: []string{"f0", "f1", "f2"}}
	var rows []datasets.Row
	var parts []byte
	for i := range n {
		label := i % 2
		fam := "umbrella"
		if label == 1 {
			fam = fmt.Sprintf("fam%d", i%7)
		}
		key := fmt.Sprintf("k%d.example", i)
		v.Keys, v.Labels, v.Family = append(v.Keys, key), append(v.Labels, label), append(v.Family, fam)
		for range cols {
			v.X = append(v.X, float32(rnd.NormFloat64()+float64(label)))
		}
		rows = append(rows, datasets.Row{Name: key, Label: label, Family: fam})
		p := registry.PartTrain
		switch {
		case fam == "fam3":
			p = registry.PartTest
		case i%10 == 0:
			p = registry.PartTest
		case i%10 == 5:
			p = registry.PartValidation
		}
		parts = append(parts, p)
	}
	csvPath, assignPath := filepath.Join(dir, "v.csv"), filepath.Join(dir, "assign.csv")
	if err := v.WriteCSV(csvPath); err != nil {
		t.Fatal(err)
	}
	a, err := Assign(rows, &registry.Split{Assignment: parts}, 2, tuning.ByFamily, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.WriteCSV(assignPath); err != nil {
		t.Fatal(err)
	}
	space, err := tuning.ParseSpace([]string{"max_depth=2..4", "eta=0.05..0.5:log", "subsample=0.5..1.0", "rounds=10"})
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	r, err := RunOptuna(context.Background(), dir, OptunaRequest{CSV: csvPath, Assign: assignPath, Columns: v.Columns, Space: space,
		Rounds: 10, Trials: 3, Folds: 2, Startup: 2, Seed: 1, Threads: 1, MaxBin: 256, BaseScore: 0.5, HoldoutFamilies: []string{"fam3"}}, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if r.Rows != n || r.TestRows+r.TunedRows != n || r.HoldoutRows == 0 || r.TestAUC < 0.7 || r.Best.Value < 0.7 {
		t.Fatalf("result %+v", r)
	}
	for _, tr := range r.Trials {
		if len(tr.FoldValues) != 2 || len(tr.Params) != 3 {
			t.Fatalf("trial %+v: want 2 fold values and 3 parameters", tr)
		}
		if d := tr.Params["max_depth"].(float64); d < 2 || d > 4 || d != float64(int(d)) {
			t.Fatalf("trial %d: max_depth %v outside 2..4 or not an integer", tr.Number, d)
		}
	}
}
