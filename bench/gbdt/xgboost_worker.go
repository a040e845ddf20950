package gbdtbench

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mlctl/mlctl/bench/pyworker"
	"github.com/mlctl/mlctl/training/gbdt"
	"github.com/mlctl/mlctl/training/matrix"
)

//go:embed compare.py
var compareScript []byte

// xgbWorker is a running compare.py: it holds the data in memory and runs
// one timed XGBoost step per command.
type xgbWorker struct {
	*pyworker.Worker
	version string
}

// startXGBoost writes the split matrices to dir and starts compare.py on
// them.
func startXGBoost(ctx context.Context, dir string, xtr *matrix.Matrix, ytr []float32, xte *matrix.Matrix,
	p gbdt.Params) (*xgbWorker, error) {
	files := []struct {
		name string
		v    []float32
	}{{"x_train.f32", xtr.Values}, {"y_train.f32", ytr}, {"x_test.f32", xte.Values}}
	for _, f := range files {
		if err := pyworker.WriteFloat32s(filepath.Join(dir, f.name), f.v); err != nil {
			return nil, fmt.Errorf("gbdtbench: %w", err)
		}
	}
	params, err := json.Marshal(map[string]any{
		"num_round": p.Rounds, "max_depth": p.MaxDepth, "eta": p.Eta, "lambda": p.Lambda,
		"alpha": p.Alpha, "gamma": p.Gamma, "min_child_weight": p.MinChildWeight,
		"subsample": p.Subsample, "colsample_bytree": p.ColsampleByTree,
		"scale_pos_weight": p.ScalePosWeight, "base_score": p.BaseScore, "max_bin": p.MaxBin,
		"seed": p.Seed,
	})
	if err != nil {
		return nil, fmt.Errorf("gbdtbench: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "params.json"), params, 0o600); err != nil {
		return nil, fmt.Errorf("gbdtbench: %w", err)
	}
	var hello struct{ Version string }
	pw, err := pyworker.Start(ctx, "gbdtbench", "`make pyref` installs Debian's python3-xgboost and python3-sklearn", dir, compareScript, &hello,
		dir, strconv.Itoa(xtr.Rows), strconv.Itoa(xte.Rows), strconv.Itoa(xtr.Cols), filepath.Join(dir, "params.json"))
	if err != nil {
		return nil, err
	}
	return &xgbWorker{Worker: pw, version: hello.Version}, nil
}

// train times one fresh DMatrix + train at th threads.
func (w *xgbWorker) train(th int) (float64, error) {
	var r struct{ Seconds float64 }
	err := w.Call(fmt.Sprintf("train %d", th), &r)
	return r.Seconds, err
}

// predict times scoring the held-out rows with the booster last trained at
// th threads and leaves its predictions in DIR/xgb_pred_<th>.f32.
func (w *xgbWorker) predict(th int) (float64, error) {
	var r struct {
		SecondsPerCall float64 `json:"seconds_per_call"`
	}
	err := w.Call(fmt.Sprintf("predict %d", th), &r)
	return r.SecondsPerCall, err
}
