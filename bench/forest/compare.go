// Package forestbench compares mlctl's random forest with scikit-learn 1.2's
// RandomForestClassifier side by side: on the same float32 matrix and the
// same held-out 20%, with the same parameters and thread counts, it measures
// fit wall time (median of repeated fresh fits; file I/O excluded on both
// sides: forest.Train from the in-memory matrix, binning included, against
// RandomForestClassifier.fit on arrays already loaded), held-out ROC-AUC and
// prediction throughput, and whether one more fit with the same seed
// predicts the same. Runs of the two alternate, so load from elsewhere
// on the machine hits both. The scikit-learn side is compare.py (embedded),
// run with /usr/bin/python3 (Debian's python3-sklearn); it replaces missing
// values by -3e38, which scikit-learn 1.2 needs.
package forestbench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlctl/mlctl/bench/measure"
	"github.com/mlctl/mlctl/bench/pyworker"
	"github.com/mlctl/mlctl/training/forest"
	"github.com/mlctl/mlctl/training/matrix"
)

// Run holds the measurements at one thread count.
type Run struct {
	Threads int `json:"threads"`
	// Fit wall times in seconds, one per repeat, and their medians.
	MlctlFitSeconds   []float64 `json:"mlctl_fit_seconds"`
	SklearnFitSeconds []float64 `json:"sklearn_fit_seconds"`
	MlctlFitMedian    float64   `json:"mlctl_fit_median"`
	SklearnFitMedian  float64   `json:"sklearn_fit_median"`
	// Ratio is mlctl's median over scikit-learn's (below 1: mlctl is faster).
	Ratio float64 `json:"ratio"`
	// ROC-AUC on the held-out rows, of the last fit of each.
	MlctlAUC   float64 `json:"mlctl_auc"`
	SklearnAUC float64 `json:"sklearn_auc"`
	// Prediction throughput on the held-out rows (median), rows per second.
	MlctlPredictRowsPerSec   float64 `json:"mlctl_predict_rows_per_sec"`
	SklearnPredictRowsPerSec float64 `json:"sklearn_predict_rows_per_sec"`
	// Size of mlctl's model: nodes (splits and leaves) and MarshalJSON bytes.
	MlctlNodes     int `json:"mlctl_nodes"`
	MlctlJSONBytes int `json:"mlctl_json_bytes"`
	// MlctlSameScores and SklearnSameScores are whether one more fit with
	// the same seed predicts every held-out row exactly as the last one.
	MlctlSameScores   bool `json:"mlctl_same_scores"`
	SklearnSameScores bool `json:"sklearn_same_scores"`
}

// Result is one comparison.
type Result struct {
	Rows           int            `json:"rows"`
	Cols           int            `json:"cols"`
	TrainRows      int            `json:"train_rows"`
	TestRows       int            `json:"test_rows"`
	Params         forest.Params  `json:"params"`
	SklearnParams  map[string]any `json:"sklearn_params"`
	SklearnVersion string         `json:"sklearn_version"`
	Runs           []Run          `json:"runs"`
}

// Compare fits mlctl's forest and scikit-learn's on the same random 80% of
// x's rows (measure.Holdout with p.Seed) for each thread count,
// measure.Repeats times each, alternating the two, and scores the other 20%
// with both. p.Threads is ignored; threads lists the thread counts
// (scikit-learn's n_jobs).
func Compare(ctx context.Context, x *matrix.Matrix, y []float32, p forest.Params, threads []int) (Result, error) {
	if err := measure.Check("forestbench", x, y, threads); err != nil {
		return Result{}, err
	}
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	s, err := measure.Holdout("forestbench", x, y, p.Seed)
	if err != nil {
		return Result{}, err
	}
	res := Result{Rows: x.Rows, Cols: x.Cols, TrainRows: s.Train.Rows, TestRows: s.Test.Rows, Params: p, SklearnParams: SklearnParams(p)}
	dir, err := os.MkdirTemp("", "forestbench-")
	if err != nil {
		return Result{}, fmt.Errorf("forestbench: %w", err)
	}
	defer os.RemoveAll(dir)
	sk, err := startSklearn(ctx, dir, s.Train, s.TrainLabels, s.Test, p)
	if err != nil {
		return Result{}, err
	}
	defer sk.Close()
	res.SklearnVersion = sk.version
	res.Runs, err = measure.Each(threads, func(th int) (Run, error) { return measureAt(ctx, sk, dir, s, p, th) })
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// measureAt takes the measurements at th threads, alternating mlctl's
// fits with scikit-learn's.
func measureAt(ctx context.Context, sk *skWorker, dir string, s measure.Split, p forest.Params, th int) (Run, error) {
	p.Threads = th
	predictions := filepath.Join(dir, fmt.Sprintf("sk_pred_%d.f32", th))
	c, err := measure.Classifier[*forest.Model]{
		Name: "forestbench", Threads: th,
		Train:          func() (*forest.Model, error) { return forest.Train(ctx, s.Train, s.TrainLabels, p, forest.Options{}) },
		RefTrain:       func() (float64, error) { return sk.train(th) },
		RefPredict:     func() (float64, error) { return sk.predict(th) },
		RefPredictions: predictions,
	}.Measure(s.Test, s.TestLabels)
	if err != nil {
		return Run{}, err
	}
	run := Run{Threads: th, MlctlFitSeconds: c.Train.Mine, SklearnFitSeconds: c.Train.Theirs,
		Ratio: c.Train.Ratio(), MlctlAUC: c.MineAUC, SklearnAUC: c.TheirAUC, MlctlNodes: c.Model.NumNodes()}
	run.MlctlFitMedian, run.SklearnFitMedian = c.Train.Medians()
	run.MlctlPredictRowsPerSec, run.SklearnPredictRowsPerSec = c.Predict.Rates(s.Test.Rows)
	b, err := c.Model.MarshalJSON()
	if err != nil {
		return Run{}, err
	}
	run.MlctlJSONBytes = len(b)
	if run.MlctlSameScores, err = mlctlRefit(ctx, c.Model, s, p); err != nil {
		return Run{}, err
	}
	if run.SklearnSameScores, err = sklearnRefit(sk, predictions, s.Test.Rows, th); err != nil {
		return Run{}, err
	}
	return run, nil
}

// mlctlRefit fits mlctl's forest once more with p and reports whether it
// predicts s.Test exactly as last did.
func mlctlRefit(ctx context.Context, last *forest.Model, s measure.Split, p forest.Params) (bool, error) {
	m, err := forest.Train(ctx, s.Train, s.TrainLabels, p, forest.Options{})
	if err != nil {
		return false, fmt.Errorf("forestbench: refit: %w", err)
	}
	a, b := make([]float64, s.Test.Rows), make([]float64, s.Test.Rows)
	if err := last.Predict(s.Test, a); err != nil {
		return false, fmt.Errorf("forestbench: predict: %w", err)
	}
	if err := m.Predict(s.Test, b); err != nil {
		return false, fmt.Errorf("forestbench: predict: %w", err)
	}
	return slices.Equal(a, b), nil
}

// sklearnRefit fits scikit-learn's forest once more at th threads and
// reports whether it predicts the held-out rows exactly as the last fit
// did (whose predictions are in path).
func sklearnRefit(sk *skWorker, path string, rows, th int) (bool, error) {
	before, err := pyworker.ReadFloat32s(path, rows)
	if err != nil {
		return false, err
	}
	if _, err := sk.train(th); err != nil {
		return false, err
	}
	if _, err := sk.predict(th); err != nil {
		return false, err
	}
	after, err := pyworker.ReadFloat32s(path, rows)
	if err != nil {
		return false, err
	}
	return slices.Equal(before, after), nil
}

// Table formats the result as a Markdown table.
func (r Result) Table() string {
	var b strings.Builder
	depth := "unlimited"
	if r.Params.MaxDepth > 0 {
		depth = fmt.Sprint(r.Params.MaxDepth)
	}
	fmt.Fprintf(&b, "%d rows × %d features (train %d, held out %d); %d trees, max_features %s, depth %s, min_samples_leaf %d, bootstrap %v, class_weight %s, max_bin %d; scikit-learn %s; medians of %d, runs alternated\n\n",
		r.Rows, r.Cols, r.TrainRows, r.TestRows, r.Params.Trees, r.Params.MaxFeatures, depth, r.Params.MinSamplesLeaf,
		r.Params.Bootstrap, r.Params.ClassWeight, r.Params.MaxBin, r.SklearnVersion, measure.Repeats)
	b.WriteString("| threads | mlctl fit s | sklearn fit s | ratio | mlctl AUC | sklearn AUC | ΔAUC | mlctl predict rows/s | sklearn predict rows/s |\n")
	b.WriteString("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, run := range r.Runs {
		fmt.Fprintf(&b, "| %d | %.3f | %.3f | %.2f | %.4f | %.4f | %+.4f | %.0f | %.0f |\n",
			run.Threads, run.MlctlFitMedian, run.SklearnFitMedian, run.Ratio,
			run.MlctlAUC, run.SklearnAUC, run.MlctlAUC-run.SklearnAUC, run.MlctlPredictRowsPerSec, run.SklearnPredictRowsPerSec)
	}
	return b.String()
}
