package training

import (
	"github.com/mlctl/mlctl/training/explain"
	"github.com/mlctl/mlctl/training/matrix"
)

// Classifier is a vector model as the scorer uses it: a score in [0, 1]
// per row, higher meaning more likely malicious, and the features that
// pushed a row's score up. gbdt and forest models are classifiers; an
// isolation forest turns into one (Anomaly).
type Classifier interface {
	Predict(x *matrix.Matrix, out []float64) error
	PredictRow(row []float32) float64
	TopContributions(row []float32, k int, scratch []float64) ([]explain.Contribution, error)
	NumFeatures() int
}

// Anomaly is a model that scores how unusual a row is rather than how
// likely it is malicious: it scores through Classifier and has a
// threshold of its own for when no labeled rows choose one.
type Anomaly interface {
	Classifier() Classifier
	// AdaptiveThreshold is its own threshold on the Classifier's scale.
	AdaptiveThreshold() float64
}

// SequenceClassifier is a sequence model as the scorer uses it.
type SequenceClassifier interface {
	// PredictSequences writes the probability of each sequence into out.
	PredictSequences(out []float32, s matrix.Sequences) error
	// VocabSize is the number of token ids it reads.
	VocabSize() int
}
