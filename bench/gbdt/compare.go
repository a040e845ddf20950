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
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mlctl/mlctl/bench/measure"
	"github.com/mlctl/mlctl/training/gbdt"
	"github.com/mlctl/mlctl/training/matrix"
)

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
// (measure.Holdout with p.Seed) for each thread count, measure.Repeats times
// each, alternating the two, and scores the other 20% with both. p.Threads is
// ignored; threads lists the thread counts.
func Compare(ctx context.Context, x *matrix.Matrix, y []float32, p gbdt.Params, threads []int) (Result, error) {
	if err := measure.Check("gbdtbench", x, y, threads); err != nil {
		return Result{}, err
	}
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	s, err := measure.Holdout("gbdtbench", x, y, p.Seed)
	if err != nil {
		return Result{}, err
	}
	res := Result{Rows: x.Rows, Cols: x.Cols, TrainRows: s.Train.Rows, TestRows: s.Test.Rows, Params: p}
	dir, err := os.MkdirTemp("", "gbdtbench-")
	if err != nil {
		return Result{}, fmt.Errorf("gbdtbench: %w", err)
	}
	defer os.RemoveAll(dir)
	xgb, err := startXGBoost(ctx, dir, s.Train, s.TrainLabels, s.Test, p)
	if err != nil {
		return Result{}, err
	}
	defer xgb.Close()
	res.XGBoostVersion = xgb.version
	res.Runs, err = measure.Each(threads, func(th int) (Run, error) { return measureAt(ctx, xgb, dir, s, p, th) })
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// measureAt takes the measurements at th threads, alternating mlctl's runs
// with XGBoost's.
func measureAt(ctx context.Context, xgb *xgbWorker, dir string, s measure.Split, p gbdt.Params, th int) (Run, error) {
	p.Threads = th
	c, err := measure.Classifier[*gbdt.Model]{
		Name: "gbdtbench", Threads: th,
		Train:          func() (*gbdt.Model, error) { return gbdt.Train(ctx, s.Train, s.TrainLabels, p, gbdt.Options{}) },
		RefTrain:       func() (float64, error) { return xgb.train(th) },
		RefPredict:     func() (float64, error) { return xgb.predict(th) },
		RefPredictions: filepath.Join(dir, fmt.Sprintf("xgb_pred_%d.f32", th)),
	}.Measure(s.Test, s.TestLabels)
	if err != nil {
		return Run{}, err
	}
	run := Run{Threads: th, MlctlTrainSeconds: c.Train.Mine, XGBoostTrainSeconds: c.Train.Theirs,
		Ratio: c.Train.Ratio(), MlctlAUC: c.MineAUC, XGBoostAUC: c.TheirAUC}
	run.MlctlTrainMedian, run.XGBoostTrainMedian = c.Train.Medians()
	run.MlctlPredictRowsPerSec, run.XGBoostPredictRowsPerSec = c.Predict.Rates(s.Test.Rows)
	return run, nil
}

// Table formats the result as a Markdown table.
func (r Result) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d rows × %d features (train %d, held out %d); depth %d, eta %g, %d rounds, max_bin %d; xgboost %s; medians of %d, runs alternated\n\n",
		r.Rows, r.Cols, r.TrainRows, r.TestRows, r.Params.MaxDepth, r.Params.Eta, r.Params.Rounds, r.Params.MaxBin, r.XGBoostVersion, measure.Repeats)
	b.WriteString("| threads | mlctl train s | xgboost train s | ratio | mlctl AUC | xgboost AUC | mlctl predict rows/s | xgboost predict rows/s |\n")
	b.WriteString("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, run := range r.Runs {
		fmt.Fprintf(&b, "| %d | %.3f | %.3f | %.2f | %.4f | %.4f | %.0f | %.0f |\n",
			run.Threads, run.MlctlTrainMedian, run.XGBoostTrainMedian, run.Ratio,
			run.MlctlAUC, run.XGBoostAUC, run.MlctlPredictRowsPerSec, run.XGBoostPredictRowsPerSec)
	}
	return b.String()
}
