// Package forestbench compares mlctl's random forest with scikit-learn 1.2's
// RandomForestClassifier side by side: on the same float32 matrix and the
// same held-out 20%, with the same parameters and thread counts, it measures
// fit wall time (median of repeated fresh fits; file I/O excluded on both
// sides: forest.Train from the in-memory matrix, binning included, against
// RandomForestClassifier.fit on arrays already loaded), held-out ROC-AUC and
// prediction throughput. Runs of the two alternate, so load from elsewhere
// on the machine hits both. The scikit-learn side is compare.py (embedded),
// run with /usr/bin/python3 (Debian's python3-sklearn); it replaces missing
// values by -3e38, which scikit-learn 1.2 needs.
package forestbench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/mlctl/mlctl/bench/pyworker"
	"github.com/mlctl/mlctl/bench/stats"
	"github.com/mlctl/mlctl/training/eval"
	"github.com/mlctl/mlctl/training/forest"
	"github.com/mlctl/mlctl/training/matrix"
)

// Repeats is how many times each measurement is taken; tables show medians.
const Repeats = 3

// testFraction is the share of rows held out for AUC and prediction.
const testFraction = 0.2

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
// x's rows (shuffled with p.Seed) for each thread count, Repeats times each,
// alternating the two, and scores the other 20% with both. p.Threads is
// ignored; threads lists the thread counts (scikit-learn's n_jobs).
func Compare(ctx context.Context, x *matrix.Matrix, y []float32, p forest.Params, threads []int) (Result, error) {
	if err := x.Validate(); err != nil {
		return Result{}, fmt.Errorf("forestbench: %w", err)
	}
	if len(y) != x.Rows {
		return Result{}, fmt.Errorf("forestbench: %d labels for %d rows", len(y), x.Rows)
	}
	if len(threads) == 0 {
		return Result{}, errors.New("forestbench: no thread counts")
	}
	for _, t := range threads {
		if t < 1 {
			return Result{}, fmt.Errorf("forestbench: thread count %d, want at least 1", t)
		}
	}
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	xtr, ytr, xte, yte := holdout(x, y, p.Seed)
	if xtr.Rows == 0 || xte.Rows == 0 {
		return Result{}, fmt.Errorf("forestbench: %d rows are too few to hold out 20%%", x.Rows)
	}
	res := Result{Rows: x.Rows, Cols: x.Cols, TrainRows: xtr.Rows, TestRows: xte.Rows, Params: p, SklearnParams: SklearnParams(p)}
	dir, err := os.MkdirTemp("", "forestbench-")
	if err != nil {
		return Result{}, fmt.Errorf("forestbench: %w", err)
	}
	defer os.RemoveAll(dir)
	sk, err := startSklearn(ctx, dir, xtr, ytr, xte, p)
	if err != nil {
		return Result{}, err
	}
	defer sk.Close()
	res.SklearnVersion = sk.version
	for _, th := range threads {
		run, err := measure(ctx, sk, dir, xtr, ytr, xte, yte, p, th)
		if err != nil {
			return Result{}, err
		}
		res.Runs = append(res.Runs, run)
	}
	return res, nil
}

// measure takes the measurements at th threads, alternating mlctl's fits
// with scikit-learn's.
func measure(ctx context.Context, sk *skWorker, dir string, xtr *matrix.Matrix, ytr []float32,
	xte *matrix.Matrix, yte []float32, p forest.Params, th int) (Run, error) {
	run := Run{Threads: th}
	p.Threads = th
	var m *forest.Model
	for range Repeats {
		m = nil
		runtime.GC()
		start := time.Now()
		var err error
		m, err = forest.Train(ctx, xtr, ytr, p, forest.Options{})
		if err != nil {
			return Run{}, fmt.Errorf("forestbench: train with %d threads: %w", th, err)
		}
		run.MlctlFitSeconds = append(run.MlctlFitSeconds, time.Since(start).Seconds())
		s, err := sk.train(th)
		if err != nil {
			return Run{}, err
		}
		run.SklearnFitSeconds = append(run.SklearnFitSeconds, s)
	}
	run.MlctlFitMedian = stats.Median(run.MlctlFitSeconds)
	run.SklearnFitMedian = stats.Median(run.SklearnFitSeconds)
	run.Ratio = run.MlctlFitMedian / run.SklearnFitMedian
	run.MlctlNodes = m.NumNodes()
	b, err := m.MarshalJSON()
	if err != nil {
		return Run{}, err
	}
	run.MlctlJSONBytes = len(b)

	out := make([]float64, xte.Rows)
	var mine, theirs []float64
	for range Repeats {
		s, err := timePredict(m, xte, out, th)
		if err != nil {
			return Run{}, err
		}
		mine = append(mine, s)
		if s, err = sk.predict(th); err != nil {
			return Run{}, err
		}
		theirs = append(theirs, s)
	}
	run.MlctlPredictRowsPerSec = float64(xte.Rows) / stats.Median(mine)
	run.SklearnPredictRowsPerSec = float64(xte.Rows) / stats.Median(theirs)
	run.MlctlAUC = auc(out, yte)
	pred, err := pyworker.ReadFloat32s(filepath.Join(dir, fmt.Sprintf("sk_pred_%d.f32", th)), xte.Rows)
	if err != nil {
		return Run{}, err
	}
	scores := make([]float64, len(pred))
	for j, v := range pred {
		scores[j] = float64(v)
	}
	run.SklearnAUC = auc(scores, yte)
	return run, nil
}

// timePredict returns the mean seconds per Predict call over at least 0.2 s,
// with GOMAXPROCS = th meanwhile (Predict uses every core it is given).
func timePredict(m *forest.Model, x *matrix.Matrix, out []float64, th int) (float64, error) {
	prev := runtime.GOMAXPROCS(th)
	defer runtime.GOMAXPROCS(prev)
	n, start := 0, time.Now()
	for time.Since(start) < 200*time.Millisecond {
		if err := m.Predict(x, out); err != nil {
			return 0, fmt.Errorf("forestbench: predict: %w", err)
		}
		n++
	}
	return time.Since(start).Seconds() / float64(n), nil
}

// holdout shuffles the rows with seed and splits off the last 20% for
// testing (the same split as bench/gbdt's for the same seed).
func holdout(x *matrix.Matrix, y []float32, seed uint64) (xtr *matrix.Matrix, ytr []float32, xte *matrix.Matrix, yte []float32) {
	perm := rand.New(rand.NewPCG(seed, 0x401d)).Perm(x.Rows)
	nte := int(math.Round(float64(x.Rows) * testFraction))
	ntr := x.Rows - nte
	xtr, xte = matrix.New(ntr, x.Cols), matrix.New(nte, x.Cols)
	ytr, yte = make([]float32, ntr), make([]float32, nte)
	for i, r := range perm {
		if i < ntr {
			copy(xtr.Row(i), x.Row(r))
			ytr[i] = y[r]
		} else {
			copy(xte.Row(i-ntr), x.Row(r))
			yte[i-ntr] = y[r]
		}
	}
	return xtr, ytr, xte, yte
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
		r.Params.Bootstrap, r.Params.ClassWeight, r.Params.MaxBin, r.SklearnVersion, Repeats)
	b.WriteString("| threads | mlctl fit s | sklearn fit s | ratio | mlctl AUC | sklearn AUC | ΔAUC | mlctl predict rows/s | sklearn predict rows/s |\n")
	b.WriteString("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, run := range r.Runs {
		fmt.Fprintf(&b, "| %d | %.3f | %.3f | %.2f | %.4f | %.4f | %+.4f | %.0f | %.0f |\n",
			run.Threads, run.MlctlFitMedian, run.SklearnFitMedian, run.Ratio,
			run.MlctlAUC, run.SklearnAUC, run.MlctlAUC-run.SklearnAUC, run.MlctlPredictRowsPerSec, run.SklearnPredictRowsPerSec)
	}
	return b.String()
}

// auc returns the ROC AUC of scores against 0/1 labels (training/eval's,
// which matches sklearn's roc_auc_score, ties counted half).
func auc(scores []float64, y []float32) float64 {
	labels := make([]int, len(y))
	for i, v := range y {
		if v == 1 {
			labels[i] = 1
		}
	}
	return eval.ROCAUC(scores, labels)
}
