package flowsbench

import (
	"context"
	"fmt"
	"time"

	"github.com/mlctl/mlctl/training/forest"
	"github.com/mlctl/mlctl/training/iforest"
	"github.com/mlctl/mlctl/training/matrix"
)

// learner fits one kind of model on training rows (labels 0 and 1) and
// scores other rows, higher meaning more likely scanning. seconds is the
// wall time of the fit alone, the matrices already in memory.
type learner interface {
	name() string
	fit(ctx context.Context, xtr *matrix.Matrix, ytr []float32, xte *matrix.Matrix) (scores []float64, seconds float64, err error)
}

// Model names in results.
const (
	ModelForest        = "mlctl RF"
	ModelSklearnForest = "sklearn RF"
	ModelIForest       = "mlctl IF"
)

// mlctlForest is training/forest, supervised.
type mlctlForest struct{ p forest.Params }

func (l mlctlForest) name() string { return ModelForest }

func (l mlctlForest) fit(ctx context.Context, xtr *matrix.Matrix, ytr []float32, xte *matrix.Matrix) ([]float64, float64, error) {
	start := time.Now()
	m, err := forest.Train(ctx, xtr, ytr, l.p, forest.Options{})
	if err != nil {
		return nil, 0, fmt.Errorf("flowsbench: random forest: %w", err)
	}
	secs := time.Since(start).Seconds()
	out := make([]float64, xte.Rows)
	if err := m.Predict(xte, out); err != nil {
		return nil, 0, fmt.Errorf("flowsbench: random forest: %w", err)
	}
	return out, secs, nil
}

// mlctlIForest is training/iforest trained on the benign training rows
// only (its baseline); a row's score is minus its score_samples, so the
// faster it isolates, the higher.
type mlctlIForest struct {
	p     iforest.Params
	names []string
}

func (l mlctlIForest) name() string { return ModelIForest }

func (l mlctlIForest) fit(ctx context.Context, xtr *matrix.Matrix, ytr []float32, xte *matrix.Matrix) ([]float64, float64, error) {
	benign := 0
	for _, y := range ytr {
		if y == 0 {
			benign++
		}
	}
	base := matrix.New(benign, xtr.Cols)
	j := 0
	for i, y := range ytr {
		if y == 0 {
			copy(base.Row(j), xtr.Row(i))
			j++
		}
	}
	start := time.Now()
	m, err := iforest.Train(ctx, base, l.p, iforest.Options{FeatureNames: l.names})
	if err != nil {
		return nil, 0, fmt.Errorf("flowsbench: isolation forest: %w", err)
	}
	secs := time.Since(start).Seconds()
	out := make([]float64, xte.Rows)
	if err := m.ScoreSamples(xte, out); err != nil {
		return nil, 0, fmt.Errorf("flowsbench: isolation forest: %w", err)
	}
	for i := range out {
		out[i] = -out[i]
	}
	return out, secs, nil
}
