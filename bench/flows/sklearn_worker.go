package flowsbench

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	forestbench "github.com/mlctl/mlctl/bench/forest"
	"github.com/mlctl/mlctl/bench/pyworker"
	"github.com/mlctl/mlctl/training/forest"
	"github.com/mlctl/mlctl/training/matrix"
)

//go:embed compare.py
var compareScript []byte

// sklearnForest is scikit-learn's RandomForestClassifier, with the
// parameters that match mlctl's (bench/forest's SklearnParams), run by a
// compare.py that stays up for every fit of a run.
type sklearnForest struct {
	w       *pyworker.Worker
	dir     string
	version string
	fits    int
}

// startSklearn starts compare.py for rows of cols features, fitting with
// threads jobs.
func startSklearn(ctx context.Context, cols int, p forest.Params, threads int) (*sklearnForest, error) {
	dir, err := os.MkdirTemp("", "flowsbench-")
	if err != nil {
		return nil, fmt.Errorf("flowsbench: %w", err)
	}
	params, err := json.Marshal(forestbench.SklearnParams(p))
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("flowsbench: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "params.json"), params, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("flowsbench: %w", err)
	}
	var hello struct{ Version string }
	w, err := pyworker.Start(ctx, "flowsbench", "install the reference with `make pyref`: Debian's python3-sklearn", dir, compareScript, &hello,
		dir, strconv.Itoa(cols), strconv.Itoa(threads), filepath.Join(dir, "params.json"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &sklearnForest{w: w, dir: dir, version: hello.Version}, nil
}

// Close ends compare.py and removes its files.
func (s *sklearnForest) Close() {
	s.w.Close()
	os.RemoveAll(s.dir)
}

func (s *sklearnForest) name() string { return ModelSklearnForest }

func (s *sklearnForest) fit(_ context.Context, xtr *matrix.Matrix, ytr []float32, xte *matrix.Matrix) ([]float64, float64, error) {
	s.fits++
	tag := fmt.Sprintf("fit%d", s.fits)
	path := func(suffix string) string { return filepath.Join(s.dir, tag+suffix) }
	files := []struct {
		suffix string
		v      []float32
	}{{"_x_train.f32", xtr.Values}, {"_y_train.f32", ytr}, {"_x_test.f32", xte.Values}}
	for _, f := range files {
		if err := pyworker.WriteFloat32s(path(f.suffix), f.v); err != nil {
			return nil, 0, fmt.Errorf("flowsbench: %w", err)
		}
	}
	var r struct{ Seconds float64 }
	if err := s.w.Call(fmt.Sprintf("fit %s %d %d", tag, xtr.Rows, xte.Rows), &r); err != nil {
		return nil, 0, err
	}
	pred, err := pyworker.ReadFloat32s(path("_pred.f32"), xte.Rows)
	if err != nil {
		return nil, 0, fmt.Errorf("flowsbench: %w", err)
	}
	for _, f := range files {
		os.Remove(path(f.suffix))
	}
	os.Remove(path("_pred.f32"))
	out := make([]float64, len(pred))
	for i, v := range pred {
		out[i] = float64(v)
	}
	return out, r.Seconds, nil
}
