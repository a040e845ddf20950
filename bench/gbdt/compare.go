// Package gbdtbench compares mlctl's gbdt trainer with XGBoost 1.7
// (tree_method=hist) side by side: on the same float32 matrix and the same
// held-out 20%, with the same parameters and thread counts, it measures
// training wall time (median of repeated fresh runs, data loading included
// on both sides: Train from the raw matrix, DMatrix + train), ROC-AUC and
// prediction throughput. Runs of the two alternate, so load from elsewhere
// on the machine hits both. The XGBoost side is compare.py (embedded), run
// with /usr/bin/python3 (Debian's python3-xgboost).
package gbdtbench

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
	"github.com/mlctl/mlctl/training/gbdt"
	"github.com/mlctl/mlctl/training/matrix"
)

// Repeats is how many times each measurement is taken; tables show medians.
const Repeats = 3

// testFraction is the share of rows held out for AUC and prediction.
const testFraction = 0.2

// Run holds the measurements at one thread count.
type Run struct {
	Threads int `json:"threads"`
	// Train wall times in seconds, one per repeat, and their medians.
	MlctlTrainSeconds   []float64 `json:"mlctl_train_seconds"`
	XGBoostTrainSeconds []float64 `json:"xgboost_train_seconds"`
	MlctlTrainMedian    float64   `json:"mlctl_train_median"`
	XGBoostTrainMedian  float64   `json:"xgboost_train_median"`
	// Ratio is mlctl's median over XGBoost's (below 1: mlctl is faster).
	Ratio float64 `json:"ratio"`
	// ROC-AUC on the held-out rows.
	MlctlAUC   float64 `json:"mlctl_auc"`
	XGBoostAUC float64 `json:"xgboost_auc"`
	// Prediction throughput on the held-out rows (median), rows per second.
	MlctlPredictRowsPerSec   float64 `json:"mlctl_predict_rows_per_sec"`
	XGBoostPredictRowsPerSec float64 `json:"xgboost_predict_rows_per_sec"`
}

// Result is one comparison.
type Result struct {
	Rows           int         `json:"rows"`
	Cols           int         `json:"cols"`
	TrainRows      int         `json:"train_rows"`
	TestRows       int         `json:"test_rows"`
	Params         gbdt.Params `json:"params"`
	XGBoostVersion string      `json:"xgboost_version"`
	Runs           []Run       `json:"runs"`
}

// Compare trains mlctl's gbdt and XGBoost on the same random 80% of x's rows
// (shuffled with p.Seed) for each thread count, Repeats times each,
// alternating the two, and scores the other 20% with both. p.Threads is
// ignored; threads lists the thread counts.
func Compare(ctx context.Context, x *matrix.Matrix, y []float32, p gbdt.Params, threads []int) (Result, error) {
	if err := x.Validate(); err != nil {
		return Result{}, err
	}
	if len(y) != x.Rows {
		return Result{}, fmt.Errorf("gbdtbench: %d labels for %d rows", len(y), x.Rows)
	}
	if len(threads) == 0 {
		return Result{}, errors.New("gbdtbench: no thread counts")
	}
	for _, t := range threads {
		if t < 1 {
			return Result{}, fmt.Errorf("gbdtbench: thread count %d, want at least 1", t)
		}
	}
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	xtr, ytr, xte, yte := holdout(x, y, p.Seed)
	if xtr.Rows == 0 || xte.Rows == 0 {
		return Result{}, fmt.Errorf("gbdtbench: %d rows are too few to hold out 20%%", x.Rows)
	}
	res := Result{Rows: x.Rows, Cols: x.Cols, TrainRows: xtr.Rows, TestRows: xte.Rows, Params: p}
	dir, err := os.MkdirTemp("", "gbdtbench-")
	if err != nil {
		return Result{}, fmt.Errorf("gbdtbench: %w", err)
	}
	defer os.RemoveAll(dir)
	xgb, err := startXGBoost(ctx, dir, xtr, ytr, xte, p)
	if err != nil {
		return Result{}, err
	}
	defer xgb.Close()
	res.XGBoostVersion = xgb.version
	for _, th := range threads {
		run, err := measure(ctx, xgb, dir, xtr, ytr, xte, yte, p, th)
		if err != nil {
			return Result{}, err
		}
		res.Runs = append(res.Runs, run)
	}
	return res, nil
}

// measure takes the measurements at th threads, alternating mlctl's runs
// with XGBoost's.
func measure(ctx context.Context, xgb *xgbWorker, dir string, xtr *matrix.Matrix, ytr []float32,
	xte *matrix.Matrix, yte []float32, p gbdt.Params, th int) (Run, error) {
	run := Run{Threads: th}
	p.Threads = th
	var m *gbdt.Model
	for range Repeats {
		runtime.GC()
		start := time.Now()
		var err error
		m, err = gbdt.Train(ctx, xtr, ytr, p, gbdt.Options{})
		if err != nil {
			return Run{}, fmt.Errorf("gbdtbench: train with %d threads: %w", th, err)
		}
		run.MlctlTrainSeconds = append(run.MlctlTrainSeconds, time.Since(start).Seconds())
		s, err := xgb.train(th)
		if err != nil {
			return Run{}, err
		}
		run.XGBoostTrainSeconds = append(run.XGBoostTrainSeconds, s)
	}
	run.MlctlTrainMedian = stats.Median(run.MlctlTrainSeconds)
	run.XGBoostTrainMedian = stats.Median(run.XGBoostTrainSeconds)
	run.Ratio = run.MlctlTrainMedian / run.XGBoostTrainMedian

	out := make([]float64, xte.Rows)
	var mine, theirs []float64
	for range Repeats {
		s, err := timePredict(m, xte, out, th)
		if err != nil {
			return Run{}, err
		}
		mine = append(mine, s)
		if s, err = xgb.predict(th); err != nil {
			return Run{}, err
		}
		theirs = append(theirs, s)
	}
	run.MlctlPredictRowsPerSec = float64(xte.Rows) / stats.Median(mine)
	run.XGBoostPredictRowsPerSec = float64(xte.Rows) / stats.Median(theirs)
	run.MlctlAUC = auc(out, yte)
	pred, err := pyworker.ReadFloat32s(filepath.Join(dir, fmt.Sprintf("xgb_pred_%d.f32", th)), xte.Rows)
	if err != nil {
		return Run{}, err
	}
	scores := make([]float64, len(pred))
	for j, v := range pred {
		scores[j] = float64(v)
	}
	run.XGBoostAUC = auc(scores, yte)
	return run, nil
}

// timePredict returns the mean seconds per Predict call over at least 0.2 s,
// with GOMAXPROCS = th meanwhile (Predict uses every core it is given).
func timePredict(m *gbdt.Model, x *matrix.Matrix, out []float64, th int) (float64, error) {
	prev := runtime.GOMAXPROCS(th)
	defer runtime.GOMAXPROCS(prev)
	n, start := 0, time.Now()
	for time.Since(start) < 200*time.Millisecond {
		if err := m.Predict(x, out); err != nil {
			return 0, fmt.Errorf("gbdtbench: predict: %w", err)
		}
		n++
	}
	return time.Since(start).Seconds() / float64(n), nil
}

// holdout shuffles the rows with seed and splits off the last 20% for testing.
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
	fmt.Fprintf(&b, "%d rows × %d features (train %d, held out %d); depth %d, eta %g, %d rounds, max_bin %d; xgboost %s; medians of %d, runs alternated\n\n",
		r.Rows, r.Cols, r.TrainRows, r.TestRows, r.Params.MaxDepth, r.Params.Eta, r.Params.Rounds, r.Params.MaxBin, r.XGBoostVersion, Repeats)
	b.WriteString("| threads | mlctl train s | xgboost train s | ratio | mlctl AUC | xgboost AUC | mlctl predict rows/s | xgboost predict rows/s |\n")
	b.WriteString("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, run := range r.Runs {
		fmt.Fprintf(&b, "| %d | %.3f | %.3f | %.2f | %.4f | %.4f | %.0f | %.0f |\n",
			run.Threads, run.MlctlTrainMedian, run.XGBoostTrainMedian, run.Ratio,
			run.MlctlAUC, run.XGBoostAUC, run.MlctlPredictRowsPerSec, run.XGBoostPredictRowsPerSec)
	}
	return b.String()
}
