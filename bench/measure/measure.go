// Package measure takes the side-by-side measurements of the learner
// benchmarks (bench/gbdt, bench/forest, bench/iforest): on the same rows
// and held-out part, mlctl's runs alternate with the reference tool's,
// Repeats times at each thread count, so that load from elsewhere on the
// machine hits both, and the tables show medians and their ratio.
package measure

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlctl/mlctl/training/eval"
	"github.com/mlctl/mlctl/training/matrix"
)

// Repeats is how many times each measurement is taken; tables show medians.
const Repeats = 3

// TestFraction is the share of rows held out for AUC and prediction.
const TestFraction = 0.2

// Check returns an error, prefixed with name (the bench package), when x
// is not a valid matrix, y does not label each of its rows, or threads
// lists no thread count or one below 1.
func Check(name string, x *matrix.Matrix, y []float32, threads []int) error {
	if err := x.Validate(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if len(y) != x.Rows {
		return fmt.Errorf("%s: %d labels for %d rows", name, len(y), x.Rows)
	}
	if len(threads) == 0 {
		return errors.New(name + ": no thread counts")
	}
	for _, t := range threads {
		if t < 1 {
			return fmt.Errorf("%s: thread count %d, want at least 1", name, t)
		}
	}
	return nil
}

// Split is a benchmark's rows: a training part and a held-out part, each
// with its labels.
type Split struct {
	// Train and TrainLabels are what both sides train on.
	Train       *matrix.Matrix
	TrainLabels []float32
	// Test and TestLabels are the held-out rows both sides predict.
	Test       *matrix.Matrix
	TestLabels []float32
}

// Holdout shuffles the rows with seed and splits off the last TestFraction
// for testing; the same seed gives the same split in every benchmark. Too
// few rows for two parts is an error prefixed with name.
func Holdout(name string, x *matrix.Matrix, y []float32, seed uint64) (Split, error) {
	perm := rand.New(rand.NewPCG(seed, 0x401d)).Perm(x.Rows)
	nte := int(math.Round(float64(x.Rows) * TestFraction))
	ntr := x.Rows - nte
	if ntr == 0 || nte == 0 {
		return Split{}, fmt.Errorf("%s: %d rows are too few to hold out 20%%", name, x.Rows)
	}
	s := Split{Train: matrix.New(ntr, x.Cols), TrainLabels: make([]float32, ntr), Test: matrix.New(nte, x.Cols), TestLabels: make([]float32, nte)}
	for i, r := range perm {
		if i < ntr {
			copy(s.Train.Row(i), x.Row(r))
			s.TrainLabels[i] = y[r]
		} else {
			copy(s.Test.Row(i-ntr), x.Row(r))
			s.TestLabels[i-ntr] = y[r]
		}
	}
	return s, nil
}

// Each calls at for each thread count in turn and collects its runs; the
// first error stops it.
func Each[R any](threads []int, at func(threads int) (R, error)) ([]R, error) {
	var runs []R
	for _, th := range threads {
		r, err := at(th)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// AUC returns the ROC AUC of scores against 0/1 labels (training/eval's,
// which matches sklearn's roc_auc_score, ties counted half).
func AUC(scores []float64, y []float32) float64 {
	labels := make([]int, len(y))
	for i, v := range y {
		if v == 1 {
			labels[i] = 1
		}
	}
	return eval.ROCAUC(scores, labels)
}
