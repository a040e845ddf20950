package main

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mlctl/mlctl/artifact"
	forestbench "github.com/mlctl/mlctl/bench/forest"
	golearnbench "github.com/mlctl/mlctl/bench/golearn"
	iforestbench "github.com/mlctl/mlctl/bench/iforest"
	"github.com/mlctl/mlctl/bench/measure"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/training/forest"
	"github.com/mlctl/mlctl/training/iforest"
	"github.com/mlctl/mlctl/training/matrix"
)

// Forests compares mlctl's forests with sklearn's and golearn's on the same
// rows: the corpus with heiDGAF's 44 features (unsupervised, so fair to the
// isolation forest, whose baseline is the benign rows).
type Forests struct {
	Features        string              `json:"features"`
	RandomForest    forestbench.Result  `json:"random_forest"`
	IsolationForest iforestbench.Result `json:"isolation_forest"`
	// Golearn is golearn's isolation forest on IsolationForest's rows and,
	// with -golearn-full, its random forest on RandomForest's, unless it
	// took longer than golearnFitLimit a fit: GolearnFullUnfinished says so.
	Golearn               *golearnbench.Result `json:"golearn,omitempty"`
	GolearnFullUnfinished string               `json:"golearn_full_unfinished,omitempty"`
	// Subsample is the three random forests on a random subset of the rows
	// (golearn's takes minutes on all of them).
	Subsample *ForestSubsample `json:"subsample,omitempty"`
}

// ForestSubsample is the random forests of mlctl, sklearn and golearn on
// Rows random rows (the same held-out 20% for the three).
type ForestSubsample struct {
	Rows         int                 `json:"rows"`
	RandomForest forestbench.Result  `json:"random_forest"`
	Golearn      golearnbench.Result `json:"golearn"`
}

// golearnFitLimit is how long each fit of golearn's random forest on all
// the rows may take before -golearn-full gives up on it.
const golearnFitLimit = 10 * time.Minute

// forestOptions are the golearn parts of the forest comparison.
type forestOptions struct {
	// golearnRows is the size of the subsample on which all three random
	// forests run (0: none).
	golearnRows int
	// golearnFull also fits golearn's random forest on all the rows.
	golearnFull bool
	// golearnRepeats is how many fits golearn gets, seeded alike;
	// golearnFullRepeats on all the rows.
	golearnRepeats, golearnFullRepeats int
}

func compareForests(ctx context.Context, rows []datasets.Row, o forestOptions) (Forests, error) {
	set, err := features.Lookup("heidgaf44", nil)
	if err != nil {
		return Forests{}, err
	}
	names := make([]string, len(rows))
	y := make([]float32, len(rows))
	for i, r := range rows {
		names[i], y[i] = r.Name, float32(r.Label)
	}
	x := artifact.FeatureMatrix(set, names)
	out := Forests{Features: fmt.Sprintf("%s (%d rows x %d)", set.Name(), x.Rows, x.Cols)}
	rfp, ifp := forest.DefaultParams(), iforest.DefaultParams()
	fmt.Printf("random forest: mlctl vs sklearn RandomForestClassifier(n_estimators=100, max_features=sqrt), %s\n", out.Features)
	if out.RandomForest, err = forestbench.Compare(ctx, x, y, rfp, []int{2}); err != nil {
		return out, err
	}
	fmt.Println(out.RandomForest.Table())
	fmt.Printf("isolation forest: mlctl vs sklearn IsolationForest(n_estimators=100), baseline = benign rows, %s\n", out.Features)
	if out.IsolationForest, err = iforestbench.Compare(ctx, x, y, ifp, []int{1, 2}); err != nil {
		return out, err
	}
	fmt.Println(out.IsolationForest.Table())

	fmt.Printf("golearn: isolation forest on the same rows, %d fits seeded alike\n", o.golearnRepeats)
	gl, err := golearnbench.Run(ctx, golearnbench.Job{Seed: int64(rfp.Seed), Repeats: o.golearnRepeats, IsolationForest: golearnIsolation(x, y, ifp)})
	if err != nil {
		return out, err
	}
	out.Golearn = &gl
	if o.golearnRows > 0 {
		sub, err := compareSubsample(ctx, x, y, rfp, o)
		if err != nil {
			return out, err
		}
		out.Subsample = &sub
	}
	if o.golearnFull {
		rf, err := golearnForest(x, y, rfp)
		if err != nil {
			return out, err
		}
		limit := time.Duration(o.golearnFullRepeats) * golearnFitLimit
		fmt.Printf("golearn: random forest on all rows, %d fits seeded alike, given %v\n", o.golearnFullRepeats, limit)
		fctx, cancel := context.WithTimeout(ctx, limit)
		full, err := golearnbench.Run(fctx, golearnbench.Job{Seed: int64(rfp.Seed), Repeats: o.golearnFullRepeats, RandomForest: rf})
		cancel()
		switch {
		case err != nil && fctx.Err() != nil && ctx.Err() == nil:
			out.GolearnFullUnfinished = fmt.Sprintf("%d fits did not finish within %v", o.golearnFullRepeats, limit)
			fmt.Println("golearn: random forest on all rows:", out.GolearnFullUnfinished)
		case err != nil:
			return out, err
		default:
			out.Golearn.RandomForest = full.RandomForest
		}
	}
	fmt.Println(out.Table())
	return out, nil
}

// compareSubsample runs the three random forests on o.golearnRows random
// rows of x.
func compareSubsample(ctx context.Context, x *matrix.Matrix, y []float32, p forest.Params, o forestOptions) (ForestSubsample, error) {
	if o.golearnRows > x.Rows {
		return ForestSubsample{}, fmt.Errorf("-golearn-rows %d: the corpus has %d rows", o.golearnRows, x.Rows)
	}
	xs, ys := matrix.New(o.golearnRows, x.Cols), make([]float32, o.golearnRows)
	for i, r := range rand.New(rand.NewPCG(p.Seed, 0x601e)).Perm(x.Rows)[:o.golearnRows] {
		copy(xs.Row(i), x.Row(r))
		ys[i] = y[r]
	}
	sub := ForestSubsample{Rows: o.golearnRows}
	fmt.Printf("random forest on %d random rows: mlctl vs sklearn\n", o.golearnRows)
	var err error
	if sub.RandomForest, err = forestbench.Compare(ctx, xs, ys, p, []int{2}); err != nil {
		return sub, err
	}
	fmt.Println(sub.RandomForest.Table())
	rf, err := golearnForest(xs, ys, p)
	if err != nil {
		return sub, err
	}
	fmt.Printf("random forest on %d random rows: golearn, %d fits seeded alike\n", o.golearnRows, o.golearnRepeats)
	if sub.Golearn, err = golearnbench.Run(ctx, golearnbench.Job{Seed: int64(p.Seed), Repeats: o.golearnRepeats, RandomForest: rf}); err != nil {
		return sub, err
	}
	return sub, nil
}

// golearnForest is golearn's random forest on forestbench's split of x:
// as many trees, each drawing int(sqrt(features)) columns (sklearn's
// "sqrt"; golearn draws them once per tree, not per split), 2 threads.
func golearnForest(x *matrix.Matrix, y []float32, p forest.Params) (*golearnbench.RandomForest, error) {
	s, err := measure.Holdout("golearnbench", x, y, p.Seed)
	if err != nil {
		return nil, err
	}
	nf := 1
	for (nf+1)*(nf+1) <= x.Cols {
		nf++
	}
	return &golearnbench.RandomForest{Split: s, Trees: p.Trees, Features: nf, Threads: 2}, nil
}

// golearnIsolation is golearn's isolation forest on iforestbench's rows:
// as many trees, 256 samples a tree and the depth limit sklearn derives
// from them (ceil(log2(256)) = 8).
func golearnIsolation(x *matrix.Matrix, y []float32, p iforest.Params) *golearnbench.IsolationForest {
	base, xte, yte := iforestbench.Split(x, y, p.Seed)
	return &golearnbench.IsolationForest{Base: base, Test: xte, TestLabels: yte, Trees: p.Trees, MaxDepth: 8, Samples: 256}
}

// Table is the three tools side by side, in Markdown.
func (f Forests) Table() string {
	var b strings.Builder
	same := func(v ...bool) string {
		s := make([]string, len(v))
		for i, ok := range v {
			s[i] = map[bool]string{true: "yes", false: "**no**"}[ok]
		}
		return strings.Join(s, " / ")
	}
	sec := func(v float64) string { return fmt.Sprintf("%.3f", v) }
	b.WriteString("| model | rows: fit / held out | threads | mlctl fit s | sklearn fit s | golearn fit s | mlctl AUC | sklearn AUC | golearn AUC | same seed, same scores: mlctl / sklearn / golearn |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	rf := func(label string, r forestbench.Result, g *golearnbench.Forest, unfinished string) {
		for _, run := range r.Runs {
			gfit, gauc, gsame := cmp.Or(unfinished, "not run"), "", ""
			if g != nil {
				gfit, gauc = sec(g.FitMedian), fmt.Sprintf("%.4f (majority vote %.4f)", g.AUC, g.MajorityAUC)
				gsame = same(g.SameScores)
			}
			fmt.Fprintf(&b, "| %s | %d / %d | %d | %s | %s | %s | %.4f | %.4f | %s | %s / %s |\n", label, r.TrainRows, r.TestRows, run.Threads,
				sec(run.MlctlFitMedian), sec(run.SklearnFitMedian), gfit, run.MlctlAUC, run.SklearnAUC, gauc,
				same(run.MlctlSameScores, run.SklearnSameScores), gsame)
		}
	}
	if s := f.Subsample; s != nil {
		rf("random forest, 100 trees, sqrt features", s.RandomForest, s.Golearn.RandomForest, "")
	}
	var grf, gif *golearnbench.Forest
	if f.Golearn != nil {
		grf, gif = f.Golearn.RandomForest, f.Golearn.IsolationForest
	}
	rf("random forest, 100 trees, sqrt features", f.RandomForest, grf, f.GolearnFullUnfinished)
	r := f.IsolationForest
	for _, run := range r.Runs {
		gfit, gauc, gsame := "", "", ""
		if gif != nil && run.Threads == 1 {
			gfit, gauc, gsame = sec(gif.FitMedian+gif.ScoreMedian), fmt.Sprintf("%.4f", gif.AUC), same(gif.SameScores)
		}
		fmt.Fprintf(&b, "| isolation forest, 100 trees, 256 samples, fit + score | %d / %d | %d | %s | %s | %s | %.4f | %.4f | %s | %s / %s |\n",
			r.BaselineRows, r.TestRows, run.Threads, sec(run.MlctlTotalMedian), sec(run.SklearnTotalMedian), gfit,
			run.MlctlAUC, run.SklearnAUC, gauc, same(run.MlctlSameScores, run.SklearnSameScores), gsame)
	}
	return b.String()
}
