package dga

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/bench/pyworker"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
)

//go:embed heidgaf_xgboost.py
var xgboostScript []byte

// XGBoostReference is heiDGAF's recipe: heiDGAF's 44 features and Debian's
// xgboost (depth 6, 100 rounds, eta 0.3, scale_pos_weight neg/pos), on the
// real rows only, as heiDGAF trains.
func XGBoostReference() Recipe {
	return Recipe{Name: "heidgaf44-xgboost", Train: func(ctx context.Context, train []datasets.Row, test []string, seed uint64) ([]float64, error) {
		dir, err := os.MkdirTemp("", "dgabench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		set := features.Heidgaf44()
		names := make([]string, len(train))
		y := make([]float32, len(train))
		for i, r := range train {
			names[i], y[i] = r.Name, float32(r.Label)
		}
		xtr := artifact.FeatureMatrix(set, names)
		xte := artifact.FeatureMatrix(set, test)
		for _, f := range []struct {
			name string
			v    []float32
		}{{"x_train.f32", xtr.Values}, {"y_train.f32", y}, {"x_test.f32", xte.Values}} {
			if err := pyworker.WriteFloat32s(filepath.Join(dir, f.name), f.v); err != nil {
				return nil, err
			}
		}
		script := filepath.Join(dir, "heidgaf_xgboost.py") // not xgboost.py: it would shadow the module
		if err := os.WriteFile(script, xgboostScript, 0o600); err != nil {
			return nil, err
		}
		out, err := exec.CommandContext(ctx, pyworker.Python, script, dir, strconv.Itoa(xtr.Rows), strconv.Itoa(xte.Rows),
			strconv.Itoa(xtr.Cols), strconv.FormatUint(seed, 10)).CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("xgboost reference (`make pyref` installs Debian's python3-xgboost): %v: %s", err, out)
		}
		return pyworker.ReadFloat64s(filepath.Join(dir, "pred.f64"), len(test))
	}}
}
