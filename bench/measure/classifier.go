package measure

import (
	"fmt"

	"github.com/mlctl/mlctl/bench/pyworker"
	"github.com/mlctl/mlctl/training/matrix"
)

// Model is a trained binary classifier of mlctl's.
type Model interface {
	// Predict writes the probability of class 1 of each row of x to out.
	Predict(x *matrix.Matrix, out []float64) error
}

// Classifier is a classifier comparison at one thread count: how each side
// trains and predicts. Measure takes its figures.
type Classifier[M Model] struct {
	// Name prefixes errors (the bench package: "gbdtbench").
	Name string
	// Threads is the thread count both sides run with.
	Threads int
	// Train trains mlctl's model afresh on the training rows.
	Train func() (M, error)
	// RefTrain times one fresh training of the reference, in seconds.
	RefTrain func() (float64, error)
	// RefPredict times the reference's last model predicting the held-out
	// rows, in seconds per call, and leaves its predictions (little-endian
	// float32s, one a row) in RefPredictions.
	RefPredict     func() (float64, error)
	RefPredictions string
}

// ClassifierRun is what Classifier.Measure took.
type ClassifierRun[M Model] struct {
	// Train holds the seconds of each side's fresh trainings.
	Train Sides
	// Predict holds the seconds per call of each side's predictions of the
	// held-out rows (the last model's).
	Predict Sides
	// MineAUC and TheirAUC are the ROC-AUCs of the held-out predictions.
	MineAUC, TheirAUC float64
	// Model is mlctl's last model.
	Model M
}

// Measure trains both sides Repeats times, alternating, then times both
// last models predicting xte Repeats times, alternating, and scores their
// predictions against yte.
func (c Classifier[M]) Measure(xte *matrix.Matrix, yte []float32) (ClassifierRun[M], error) {
	var run ClassifierRun[M]
	var err error
	run.Train, err = Alternate(func() (float64, error) {
		var none M
		run.Model = none // the last model is garbage for Seconds' collection
		return Seconds(func() (err error) {
			if run.Model, err = c.Train(); err != nil {
				return fmt.Errorf("%s: train with %d threads: %w", c.Name, c.Threads, err)
			}
			return nil
		})
	}, c.RefTrain)
	if err != nil {
		return ClassifierRun[M]{}, err
	}
	out := make([]float64, xte.Rows)
	run.Predict, err = Alternate(func() (float64, error) {
		return PerCall(c.Threads, func() error {
			if err := run.Model.Predict(xte, out); err != nil {
				return fmt.Errorf("%s: predict: %w", c.Name, err)
			}
			return nil
		})
	}, c.RefPredict)
	if err != nil {
		return ClassifierRun[M]{}, err
	}
	run.MineAUC = AUC(out, yte)
	pred, err := pyworker.ReadFloat32s(c.RefPredictions, xte.Rows)
	if err != nil {
		return ClassifierRun[M]{}, err
	}
	theirs := make([]float64, len(pred))
	for i, v := range pred {
		theirs[i] = float64(v)
	}
	run.TheirAUC = AUC(theirs, yte)
	return run, nil
}
