// Package flowsbench measures port-scan detection on real Stratosphere
// captures (../shared/data/flows), leaving one capture out: the unit is one
// source IP in one 10 s window with its 5 min window alongside (features/
// flow's DefaultWindowSet), and each scan capture is held out in turn and
// scored by models trained on the other scan captures only, as a capture
// nobody has seen would be. Per held-out capture and pooled over them it
// reports ROC-AUC, the best recall at a false-positive rate of at most 1%
// per source window (the threshold picked on the held-out windows
// themselves: an upper bound), and the recall and false-positive rate at
// the threshold a deployed model would use, picked on the training
// captures alone. Models: training/forest (primary), scikit-learn's
// RandomForestClassifier on the same rows, and training/iforest trained
// on the benign windows only.
//
// It needs no database or Temporal: readers, features/flow and the
// trainers run in process; scikit-learn runs in /usr/bin/python3
// (bench/pyworker).
package flowsbench

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl/features/flow"
	"github.com/mlctl/mlctl/training/forest"
	"github.com/mlctl/mlctl/training/iforest"
)

// The target: scanning windows flagged with a recall of at least
// TargetRecall at a false-positive rate of at most TargetFPR.
const (
	TargetRecall = 0.95
	TargetFPR    = 0.01
)

// Options configure Run.
type Options struct {
	// Data is the directory laid out like ../shared/data.
	Data string
	// Set is the flow feature set; nil means flow.DefaultWindowSet.
	Set *flow.WindowSet
	// Forest are both random forests' parameters, IForest the isolation
	// forest's; their Threads are replaced by Threads.
	Forest  forest.Params
	IForest iforest.Params
	// Threads is every fit's thread count (scikit-learn's n_jobs).
	Threads int
	// Sklearn adds scikit-learn's RandomForestClassifier.
	Sklearn bool
	// ThresholdFolds is the number of contiguous time blocks each training
	// capture is cut into for the out-of-fold scores that pick the
	// deployed threshold (see deployedThreshold).
	ThresholdFolds int
}

// DefaultOptions are the benchmark's settings: the models' defaults with
// seed 1, 2 threads, scikit-learn included, 5 threshold folds.
func DefaultOptions(data string) Options {
	o := Options{Data: data, Forest: forest.DefaultParams(), IForest: iforest.DefaultParams(), Threads: 2, Sklearn: true, ThresholdFolds: 5}
	o.Forest.Seed, o.IForest.Seed = 1, 1
	return o
}

// Run runs the protocol on the captures under opt.Data.
func Run(ctx context.Context, opt Options) (Result, error) {
	if opt.ThresholdFolds < 2 {
		return Result{}, fmt.Errorf("flowsbench: %d threshold folds, want at least 2", opt.ThresholdFolds)
	}
	set := opt.Set
	if set == nil {
		set = flow.DefaultWindowSet()
	}
	names := set.Names()
	opt.Forest.Threads, opt.IForest.Threads = opt.Threads, opt.Threads
	res := Result{FeatureSet: fmt.Sprintf("%s v%d", set.Name(), set.Version()), Features: len(names), Rule: ScanRule,
		Threads: opt.Threads, ThresholdFolds: opt.ThresholdFolds, Forest: opt.Forest, IForest: opt.IForest}
	var caps []matrixOf
	for _, c := range Captures() {
		w, err := Load(opt.Data, c, set)
		if err != nil {
			return Result{}, err
		}
		if len(w.Units) == 0 {
			return Result{}, fmt.Errorf("flowsbench: capture %s: no labeled windows", c.Name)
		}
		caps = append(caps, newMatrix(w, len(names), opt.ThresholdFolds))
		res.Captures = append(res.Captures, CaptureStats{Name: c.Name, About: c.About, Scan: c.Scan, Flows: w.Flows,
			Windows: len(w.Units), Malicious: w.Malicious(), Unknown: w.Unknown})
	}

	learners := []learner{mlctlForest{p: opt.Forest}}
	if opt.Sklearn {
		sk, err := startSklearn(ctx, len(names), opt.Forest, opt.Threads)
		if err != nil {
			return Result{}, err
		}
		defer sk.Close()
		res.SklearnVersion = sk.version
		learners = append(learners, sk)
	}
	learners = append(learners, mlctlIForest{p: opt.IForest, names: names})

	pooled := make([]outcome, len(learners))
	for i, held := range caps {
		var train []matrixOf
		for j, c := range caps {
			if j != i && c.w.Capture.Scan {
				train = append(train, c)
			}
		}
		fold, outs, err := runFold(ctx, held, train, learners, opt.ThresholdFolds)
		if err != nil {
			return Result{}, err
		}
		res.Folds = append(res.Folds, fold)
		if fold.Scan {
			res.PooledWindows += fold.Windows
			res.PooledMalicious += fold.Malicious
			for k, o := range outs {
				pooled[k].add(o)
			}
		}
	}
	for k, l := range learners {
		res.Pooled = append(res.Pooled, pooled[k].score(l.name(), 0))
	}
	return res, nil
}

// runFold trains every learner on train and scores held.
func runFold(ctx context.Context, held matrixOf, train []matrixOf, learners []learner, blocks int) (Fold, []outcome, error) {
	xtr, ytr, btr := stack(train)
	fold := Fold{HeldOut: held.w.Capture.Name, Scan: held.w.Capture.Scan, Windows: held.x.Rows, Malicious: held.w.Malicious(), TrainWindows: xtr.Rows}
	for _, t := range train {
		fold.Train = append(fold.Train, t.w.Capture.Name)
		fold.TrainMalicious += t.w.Malicious()
	}
	var outs []outcome
	for _, l := range learners {
		threshold, err := deployedThreshold(ctx, l, xtr, ytr, btr, blocks)
		if err != nil {
			return Fold{}, nil, fmt.Errorf("capture %s held out: %w", held.w.Capture.Name, err)
		}
		if err := ctx.Err(); err != nil {
			return Fold{}, nil, err
		}
		scores, secs, err := l.fit(ctx, xtr, ytr, held.x)
		if err != nil {
			return Fold{}, nil, fmt.Errorf("capture %s held out: %w", held.w.Capture.Name, err)
		}
		o := newOutcome(held, scores, threshold, secs)
		fold.Scores = append(fold.Scores, o.score(l.name(), threshold))
		outs = append(outs, o)
	}
	return fold, outs, nil
}
