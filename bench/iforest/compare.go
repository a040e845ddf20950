// Package iforestbench compares mlctl's isolation forest (training/iforest)
// with sklearn's IsolationForest (Debian's python3-sklearn 1.2.1) side by
// side: on the same float32 rows, with the same n_estimators, max_samples,
// max_features and bootstrap and the same thread counts, it trains both on
// the baseline (label 0) rows of a random 80%, scores the other 20%
// (normal rows and anomalies), and measures fit and score wall time
// (medians of repeated fresh runs, the data already in memory on both
// sides), anomaly ROC-AUC and whether the repeats, seeded alike, give the
// same scores. Runs of the two alternate, so load from
// elsewhere on the machine hits both.
//
// The mlctl side's fit is iforest.Train with its defaults, which also
// validates the features and scores the whole baseline (for the offset and
// the adaptive threshold); sklearn's is IsolationForest(...).fit with
// contamination "auto", which does neither. The sklearn side is compare.py
// (embedded), run with /usr/bin/python3.
package iforestbench

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/mlctl/mlctl/bench/measure"
	"github.com/mlctl/mlctl/bench/pyworker"
	"github.com/mlctl/mlctl/training/iforest"
	"github.com/mlctl/mlctl/training/matrix"
)

// Run holds the measurements at one thread count.
type Run struct {
	Threads int `json:"threads"`
	// Wall times in seconds, one per repeat.
	MlctlFitSeconds     []float64 `json:"mlctl_fit_seconds"`
	MlctlScoreSeconds   []float64 `json:"mlctl_score_seconds"`
	SklearnFitSeconds   []float64 `json:"sklearn_fit_seconds"`
	SklearnScoreSeconds []float64 `json:"sklearn_score_seconds"`
	// Medians of fit, score and fit + score (the median of the per-repeat
	// sums).
	MlctlFitMedian     float64 `json:"mlctl_fit_median"`
	MlctlScoreMedian   float64 `json:"mlctl_score_median"`
	MlctlTotalMedian   float64 `json:"mlctl_total_median"`
	SklearnFitMedian   float64 `json:"sklearn_fit_median"`
	SklearnScoreMedian float64 `json:"sklearn_score_median"`
	SklearnTotalMedian float64 `json:"sklearn_total_median"`
	// Ratio is mlctl's fit + score median over sklearn's (below 1: mlctl
	// is faster).
	Ratio float64 `json:"ratio"`
	// Anomaly ROC-AUC on the held-out rows (lower score_samples = more
	// anomalous), from the last repeat.
	MlctlAUC   float64 `json:"mlctl_auc"`
	SklearnAUC float64 `json:"sklearn_auc"`
	// MlctlSameScores and SklearnSameScores are whether every repeat (the
	// same seed) scored every held-out row exactly as the first did.
	MlctlSameScores   bool `json:"mlctl_same_scores"`
	SklearnSameScores bool `json:"sklearn_same_scores"`
}

// Result is one comparison.
type Result struct {
	Rows int `json:"rows"`
	Cols int `json:"cols"`
	// BaselineRows are the label-0 rows of the training 80%, which both fit on.
	BaselineRows int `json:"baseline_rows"`
	// TestRows are the held-out rows both score, TestAnomalies of them
	// labelled 1.
	TestRows      int `json:"test_rows"`
	TestAnomalies int `json:"test_anomalies"`
	// Params are mlctl's parameters under their sklearn names
	// (iforest.Params.Map).
	Params         map[string]string `json:"params"`
	SklearnVersion string            `json:"sklearn_version"`
	Runs           []Run             `json:"runs"`
}

// Compare fits mlctl's isolation forest and sklearn's on the label-0 rows
// of the same random 80% of x's rows (shuffled with p.Seed; y is 1 for an
// anomaly, 0 for a baseline row) and scores the other 20% with both, for
// each thread count, measure.Repeats times each, alternating the two.
// p.Threads is ignored; threads lists the thread counts.
func Compare(ctx context.Context, x *matrix.Matrix, y []float32, p iforest.Params, threads []int) (Result, error) {
	if err := measure.Check("iforestbench", x, y, threads); err != nil {
		return Result{}, err
	}
	for i, v := range y {
		if v != 0 && v != 1 {
			return Result{}, fmt.Errorf("iforestbench: label of row %d is %v, want 0 (baseline) or 1 (anomaly)", i, v)
		}
	}
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	base, xte, yte := Split(x, y, p.Seed)
	res := Result{Rows: x.Rows, Cols: x.Cols, BaselineRows: base.Rows, TestRows: xte.Rows, Params: p.Map()}
	for _, v := range yte {
		res.TestAnomalies += int(v)
	}
	if base.Rows == 0 || res.TestAnomalies == 0 || res.TestAnomalies == xte.Rows {
		return Result{}, fmt.Errorf("iforestbench: %d baseline rows to fit on and %d anomalies among %d held-out rows: need both classes",
			base.Rows, res.TestAnomalies, xte.Rows)
	}
	dir, err := os.MkdirTemp("", "iforestbench-")
	if err != nil {
		return Result{}, fmt.Errorf("iforestbench: %w", err)
	}
	defer os.RemoveAll(dir)
	sk, err := startSklearn(ctx, dir, base, xte, p)
	if err != nil {
		return Result{}, err
	}
	defer sk.Close()
	res.SklearnVersion = sk.version
	res.Runs, err = measure.Each(threads, func(th int) (Run, error) { return measureAt(ctx, sk, dir, base, xte, yte, p, th) })
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// measureAt takes the measurements at th threads, alternating mlctl's
// runs with sklearn's.
func measureAt(ctx context.Context, sk *sklearnWorker, dir string, base, xte *matrix.Matrix, yte []float32,
	p iforest.Params, th int) (Run, error) {
	p.Threads = th
	scores := make([]float64, xte.Rows)
	theirsPath := filepath.Join(dir, fmt.Sprintf("sklearn_scores_%d.f64", th))
	var score measure.Sides
	var mineFirst, theirsFirst []float64
	mineSame, theirsSame := true, true
	fit, err := measure.Alternate(func() (float64, error) {
		fit, s, err := mlctlRun(ctx, base, xte, p, th, scores)
		score.Mine = append(score.Mine, s)
		if mineFirst == nil {
			mineFirst = slices.Clone(scores)
		}
		mineSame = mineSame && slices.Equal(mineFirst, scores)
		return fit, err
	}, func() (float64, error) {
		fit, s, err := sk.run(th)
		if err != nil {
			return 0, err
		}
		score.Theirs = append(score.Theirs, s)
		theirs, err := pyworker.ReadFloat64s(theirsPath, xte.Rows)
		if theirsFirst == nil {
			theirsFirst = theirs
		}
		theirsSame = theirsSame && slices.Equal(theirsFirst, theirs)
		return fit, err
	})
	if err != nil {
		return Run{}, err
	}
	total := fit.Plus(score)
	run := Run{Threads: th, MlctlFitSeconds: fit.Mine, MlctlScoreSeconds: score.Mine,
		SklearnFitSeconds: fit.Theirs, SklearnScoreSeconds: score.Theirs, Ratio: total.Ratio(),
		MlctlSameScores: mineSame, SklearnSameScores: theirsSame}
	run.MlctlFitMedian, run.SklearnFitMedian = fit.Medians()
	run.MlctlScoreMedian, run.SklearnScoreMedian = score.Medians()
	run.MlctlTotalMedian, run.SklearnTotalMedian = total.Medians()
	run.MlctlAUC = anomalyAUC(scores, yte)
	theirs, err := pyworker.ReadFloat64s(theirsPath, xte.Rows)
	if err != nil {
		return Run{}, err
	}
	run.SklearnAUC = anomalyAUC(theirs, yte)
	return run, nil
}

// mlctlRun times one fresh Train on base and ScoreSamples of xte, with
// GOMAXPROCS = th meanwhile (scoring uses every core it is given).
func mlctlRun(ctx context.Context, base, xte *matrix.Matrix, p iforest.Params, th int, scores []float64) (fit, score float64, err error) {
	prev := runtime.GOMAXPROCS(th)
	defer runtime.GOMAXPROCS(prev)
	runtime.GC()
	start := time.Now()
	m, err := iforest.Train(ctx, base, p, iforest.Options{})
	if err != nil {
		return 0, 0, fmt.Errorf("iforestbench: train with %d threads: %w", th, err)
	}
	mid := time.Now()
	if err := m.ScoreSamples(xte, scores); err != nil {
		return 0, 0, fmt.Errorf("iforestbench: score: %w", err)
	}
	end := time.Now()
	return mid.Sub(start).Seconds(), end.Sub(mid).Seconds(), nil
}

// Split shuffles the rows with seed, holds out the last 20% for scoring
// and returns the baseline (label-0) rows of the rest: the rows Compare
// fits and scores, for another tool to get the same.
func Split(x *matrix.Matrix, y []float32, seed uint64) (base, xte *matrix.Matrix, yte []float32) {
	perm := rand.New(rand.NewPCG(seed, 0x1f0e)).Perm(x.Rows)
	nte := int(math.Round(float64(x.Rows) * measure.TestFraction))
	ntr := x.Rows - nte
	nbase := 0
	for _, r := range perm[:ntr] {
		if y[r] == 0 {
			nbase++
		}
	}
	base, xte, yte = matrix.New(nbase, x.Cols), matrix.New(nte, x.Cols), make([]float32, nte)
	b := 0
	for i, r := range perm {
		switch {
		case i >= ntr:
			copy(xte.Row(i-ntr), x.Row(r))
			yte[i-ntr] = y[r]
		case y[r] == 0:
			copy(base.Row(b), x.Row(r))
			b++
		}
	}
	return base, xte, yte
}

// anomalyAUC is the ROC-AUC of score_samples against labels (1 = anomaly):
// lower scores rank as more anomalous (measure.AUC, which matches
// sklearn's roc_auc_score).
func anomalyAUC(scores []float64, y []float32) float64 {
	neg := make([]float64, len(scores))
	for i, s := range scores {
		neg[i] = -s
	}
	return measure.AUC(neg, y)
}

// Table formats the result as a Markdown table.
func (r Result) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d rows × %d features: fit on %d baseline rows, score %d held out (%d anomalies); "+
		"n_estimators %s, max_samples %s, max_features %s, bootstrap %s; sklearn %s; medians of %d, runs alternated\n\n",
		r.Rows, r.Cols, r.BaselineRows, r.TestRows, r.TestAnomalies, r.Params["n_estimators"], r.Params["max_samples"],
		r.Params["max_features"], r.Params["bootstrap"], r.SklearnVersion, measure.Repeats)
	b.WriteString("| threads | mlctl fit s | mlctl score s | mlctl fit+score s | sklearn fit s | sklearn score s | sklearn fit+score s | ratio | mlctl AUC | sklearn AUC |\n")
	b.WriteString("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, run := range r.Runs {
		fmt.Fprintf(&b, "| %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f | %.4f | %.4f |\n",
			run.Threads, run.MlctlFitMedian, run.MlctlScoreMedian, run.MlctlTotalMedian,
			run.SklearnFitMedian, run.SklearnScoreMedian, run.SklearnTotalMedian, run.Ratio,
			run.MlctlAUC, run.SklearnAUC)
	}
	return b.String()
}
