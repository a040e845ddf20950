package iforest

import (
	"context"
	"fmt"
	"math"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/explain"
	"github.com/mlctl/mlctl/training/matrix"
)

// Learner is the isolation forest behind mlctl's training path: it learns
// from the baseline rows of the training part only (the rows a baseline
// column marks, else the benign ones), after the bot detector's semi-supervised
// setup. It trains in seconds: no checkpoints.
type Learner struct{ training.NoCheckpoints }

// Algo is iforest.
func (Learner) Algo() mlctl.Algo { return mlctl.AlgoIForest }

// Summary says what it is.
func (Learner) Summary() string { return "isolation forest on the baseline rows" }

// ModelKey is the artifact key of the model.
func (Learner) ModelKey() string { return "iforest" }

// Needs: vectors of the baseline rows.
func (Learner) Needs() training.Needs {
	return training.Needs{Input: training.Vectors, Rows: training.Baseline, Unit: "trees", UnitParam: "n_estimators"}
}

// ParseParams reads user parameters over DefaultParams.
func (Learner) ParseParams(user map[string]string, seed uint64, _ training.Shape) (training.Params, error) {
	p := DefaultParams()
	p.Seed = seed
	if err := ParseParams(user, &p); err != nil {
		return nil, err
	}
	return p, nil
}

// Train builds the trees on d.X, the baseline rows.
func (Learner) Train(ctx context.Context, d training.Data, tp training.Params, h training.Hooks) (training.Model, error) {
	return Train(ctx, d.X, tp.(Params), Options{FeatureNames: d.FeatureNames, Progress: func(done, total int) error {
		if h.Progress != nil {
			if err := h.Progress(training.Progress{Stage: "trees", Done: done, Total: total}); err != nil {
				return err
			}
		}
		return ctx.Err()
	}})
}

// DecodeModel parses a model's JSON.
func (Learner) DecodeModel(data []byte) (training.Model, error) {
	return training.DecodeJSON[Model](data)
}

// Units is the number of trees.
func (m *Model) Units() int { return m.NumTrees() }

// Classifier scores with the isolation forest: the score is minus its
// normalised score (the bot detector's [-1, 0] scale turned into [0, 1]), so 0 is
// normal and higher is more anomalous.
func (m *Model) Classifier() training.Classifier { return anomaly{m} }

// AdaptiveThreshold is the model's adaptive threshold on the Classifier's
// scale (anomalous when the normalised score is below Threshold, so when
// the score is above its negation).
func (m *Model) AdaptiveThreshold() float64 {
	return math.Nextafter(0-m.Threshold(), math.Inf(1))
}

type anomaly struct{ m *Model }

func (a anomaly) NumFeatures() int { return a.m.NumFeatures() }

func (a anomaly) Predict(x *matrix.Matrix, out []float64) error {
	if err := a.m.ScoreSamples(x, out); err != nil {
		return err
	}
	for i := range out[:x.Rows] {
		out[i] = 0 - a.m.Normalise(out[i]) // 0 - x: never -0
	}
	return nil
}

func (a anomaly) PredictRow(row []float32) float64 {
	s, err := a.m.ScoreRow(row)
	if err != nil {
		panic(fmt.Sprintf("iforest: row: %v", err)) // widths are the scorer's: a bug
	}
	return 0 - a.m.Normalise(s)
}

func (a anomaly) TopContributions(row []float32, k int, scratch []float64) ([]explain.Contribution, error) {
	return a.m.TopContributions(row, k, scratch)
}

// SearchSpace is what `mlctl tune --algo iforest` searches unless told:
// the sample per tree and the share of features it sees.
func (Learner) SearchSpace() []string {
	return []string{"max_samples=64..2048:log", "max_features=0.5..1.0"}
}
