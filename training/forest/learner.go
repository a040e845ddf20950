package forest

import (
	"context"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/training"
)

// Learner is the random forest behind mlctl's training path. Forests train
// in seconds: no checkpoints; a retried run, being seeded, builds the same
// bytes.
type Learner struct{ training.NoCheckpoints }

// Algo is rf.
func (Learner) Algo() mlctl.Algo { return mlctl.AlgoRF }

// Summary says what it is.
func (Learner) Summary() string { return "random forest" }

// ModelKey is the artifact key of the model.
func (Learner) ModelKey() string { return "forest" }

// Needs: vectors of both classes, generated names on domain data.
func (Learner) Needs() training.Needs {
	return training.Needs{Input: training.Vectors, Rows: training.BothClasses, Generated: true, Unit: "trees", UnitParam: "n_estimators"}
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

// Train grows the trees.
func (Learner) Train(ctx context.Context, d training.Data, tp training.Params, h training.Hooks) (training.Model, error) {
	p := tp.(Params)
	return Train(ctx, d.X, d.Y, p, Options{Progress: func(done int) error {
		if h.Progress != nil {
			if err := h.Progress(training.Progress{Stage: "trees", Done: done, Total: p.Trees}); err != nil {
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

// SearchSpace is what `mlctl tune --algo rf` searches unless told: the
// features per split, the leaf size and the depth.
func (Learner) SearchSpace() []string {
	return []string{"max_features=sqrt,log2,0.3,0.5", "min_samples_leaf=1..50:log", "max_depth=8..40"}
}
