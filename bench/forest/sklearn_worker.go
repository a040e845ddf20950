package forestbench

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/bench/pyworker"

	"github.com/mlctl/mlctl/training/forest"
	"github.com/mlctl/mlctl/training/matrix"
)

//go:embed compare.py
var compareScript []byte

// skWorker is a running compare.py: it holds the data in memory and runs
// one timed scikit-learn step per command.
type skWorker struct {
	*pyworker.Worker
	version string
}

// SklearnParams returns the RandomForestClassifier keyword arguments that
// match p (n_jobs aside).
func SklearnParams(p forest.Params) map[string]any {
	kw := map[string]any{
		"n_estimators":      p.Trees,
		"max_depth":         nil,
		"min_samples_leaf":  p.MinSamplesLeaf,
		"min_samples_split": p.MinSamplesSplit,
		"bootstrap":         p.Bootstrap,
		"class_weight":      nil,
		"random_state":      p.Seed % (1 << 32), // numpy seeds are 32-bit
	}
	if p.MaxDepth > 0 {
		kw["max_depth"] = p.MaxDepth
	}
	if p.ClassWeight == forest.ClassWeightBalanced {
		kw["class_weight"] = "balanced"
	}
	switch mf := p.MaxFeatures; {
	case mf == "sqrt" || mf == "log2":
		kw["max_features"] = mf
	case mf == "all":
		kw["max_features"] = nil
	case strings.ContainsAny(mf, ".eE"):
		f, _ := strconv.ParseFloat(mf, 64)
		kw["max_features"] = f
	default:
		n, _ := strconv.Atoi(mf)
		kw["max_features"] = n
	}
	return kw
}

// startSklearn writes the split matrices to dir and starts compare.py on
// them.
func startSklearn(ctx context.Context, dir string, xtr *matrix.Matrix, ytr []float32, xte *matrix.Matrix,
	p forest.Params) (*skWorker, error) {
	files := []struct {
		name string
		v    []float32
	}{{"x_train.f32", xtr.Values}, {"y_train.f32", ytr}, {"x_test.f32", xte.Values}}
	for _, f := range files {
		if err := pyworker.WriteFloat32s(filepath.Join(dir, f.name), f.v); err != nil {
			return nil, fmt.Errorf("forestbench: %w", err)
		}
	}
	params, err := json.Marshal(SklearnParams(p))
	if err != nil {
		return nil, fmt.Errorf("forestbench: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "params.json"), params, 0o600); err != nil {
		return nil, fmt.Errorf("forestbench: %w", err)
	}
	var hello struct{ Version string }
	pw, err := pyworker.Start(ctx, "forestbench", "install the reference with `make pyref`: Debian's python3-sklearn", dir, compareScript, &hello,
		dir, strconv.Itoa(xtr.Rows), strconv.Itoa(xte.Rows), strconv.Itoa(xtr.Cols), filepath.Join(dir, "params.json"))
	if err != nil {
		return nil, err
	}
	return &skWorker{Worker: pw, version: hello.Version}, nil
}

// train times one fit at th threads.
func (w *skWorker) train(th int) (float64, error) {
	var r struct{ Seconds float64 }
	err := w.Call(fmt.Sprintf("train %d", th), &r)
	return r.Seconds, err
}

// predict times scoring the held-out rows with the forest last trained at
// th threads and leaves its predictions in DIR/sk_pred_<th>.f32.
func (w *skWorker) predict(th int) (float64, error) {
	var r struct {
		SecondsPerCall float64 `json:"seconds_per_call"`
	}
	err := w.Call(fmt.Sprintf("predict %d", th), &r)
	return r.SecondsPerCall, err
}
