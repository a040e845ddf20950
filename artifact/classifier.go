package artifact

import (
	"fmt"

	"github.com/mlctl/mlctl/training/explain"
	"github.com/mlctl/mlctl/training/iforest"
	"github.com/mlctl/mlctl/training/matrix"
)

// classifier is a trained model as the scorer uses it: a score in [0, 1]
// per row, higher meaning more likely malicious, and the features that
// pushed a row's score up.
type classifier interface {
	Predict(x *matrix.Matrix, out []float64) error
	PredictRow(row []float32) float64
	TopContributions(row []float32, k int, scratch []float64) ([]explain.Contribution, error)
	NumFeatures() int
}

// classifier returns the artifact's model behind the scorer's interface.
func (a *Artifact) classifier() (classifier, error) {
	switch a.Algo {
	case "gbdt":
		return a.GBDT, nil
	case "rf":
		return a.Forest, nil
	case "iforest":
		return anomaly{a.IForest}, nil
	}
	return nil, fmt.Errorf("artifact: unknown algo %q", a.Algo)
}

// anomaly scores with an isolation forest: the score is minus its
// normalised score (seed 001's [-1, 0] scale turned into [0, 1]), so 0 is
// normal and higher is more anomalous.
type anomaly struct{ m *iforest.Model }

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
		panic(fmt.Sprintf("artifact: isolation forest row: %v", err)) // widths are ours: a bug
	}
	return 0 - a.m.Normalise(s)
}

func (a anomaly) TopContributions(row []float32, k int, scratch []float64) ([]explain.Contribution, error) {
	return a.m.TopContributions(row, k, scratch)
}
