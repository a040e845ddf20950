package iforestbench

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mlctl/mlctl/bench/pyworker"

	"github.com/mlctl/mlctl/training/iforest"
	"github.com/mlctl/mlctl/training/matrix"
)

//go:embed compare.py
var compareScript []byte

// sklearnWorker is a running compare.py: it holds the data in memory and
// runs one timed fit + score per command.
type sklearnWorker struct {
	*pyworker.Worker
	version string
}

// sklearnParams are IsolationForest's arguments for p: the same trees,
// samples, features, bootstrap and seed; contamination stays sklearn's
// "auto" (it does not change score_samples).
func sklearnParams(p iforest.Params) map[string]any {
	// A fraction keeps its decimal point ("1.0", not 1): Python reads an
	// integral JSON number as an int, which sklearn takes as a count.
	amount := func(a iforest.Amount) any {
		if a.Count > 0 {
			return a.Count
		}
		return json.RawMessage(a.String())
	}
	return map[string]any{
		"n_estimators": p.Trees, "max_samples": amount(p.MaxSamples), "max_features": amount(p.MaxFeatures),
		"bootstrap": p.Bootstrap, "random_state": p.Seed % (1 << 32),
	}
}

// startSklearn writes the baseline and held-out matrices to dir and starts
// compare.py on them.
func startSklearn(ctx context.Context, dir string, base, xte *matrix.Matrix, p iforest.Params) (*sklearnWorker, error) {
	for _, f := range []struct {
		name string
		v    []float32
	}{{"x_train.f32", base.Values}, {"x_test.f32", xte.Values}} {
		if err := pyworker.WriteFloat32s(filepath.Join(dir, f.name), f.v); err != nil {
			return nil, fmt.Errorf("iforestbench: %w", err)
		}
	}
	params, err := json.Marshal(sklearnParams(p))
	if err != nil {
		return nil, fmt.Errorf("iforestbench: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "params.json"), params, 0o600); err != nil {
		return nil, fmt.Errorf("iforestbench: %w", err)
	}
	var hello struct{ Version string }
	pw, err := pyworker.Start(ctx, "iforestbench", "`make pyref` installs Debian's python3-sklearn", dir, compareScript, &hello,
		dir, strconv.Itoa(base.Rows), strconv.Itoa(xte.Rows), strconv.Itoa(base.Cols), filepath.Join(dir, "params.json"))
	if err != nil {
		return nil, err
	}
	return &sklearnWorker{Worker: pw, version: hello.Version}, nil
}

// run times one fresh fit + score_samples at th threads and leaves the
// scores in DIR/sklearn_scores_<th>.f64.
func (w *sklearnWorker) run(th int) (fit, score float64, err error) {
	var r struct {
		FitSeconds   float64 `json:"fit_seconds"`
		ScoreSeconds float64 `json:"score_seconds"`
	}
	err = w.Call(fmt.Sprintf("run %d", th), &r)
	return r.FitSeconds, r.ScoreSeconds, err
}
