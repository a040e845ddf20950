package dga

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/datasets/dgagen"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/training/gbdt"
)

// Recipe trains on rows and scores names.
type Recipe struct {
	Name string
	// Train returns the scores of test after training on train.
	Train func(ctx context.Context, train []datasets.Row, test []string, seed uint64) ([]float64, error)
}

// MlctlRecipe is mlctl's gbdt recipe with the given feature set
// ("domain" or "heidgaf44"), augmentation and extra parameters.
func MlctlRecipe(name, set string, aug dgagen.Augment, params map[string]string) Recipe {
	return Recipe{Name: name, Train: func(ctx context.Context, train []datasets.Row, test []string, seed uint64) ([]float64, error) {
		a, err := aug.With(params)
		if err != nil {
			return nil, err
		}
		a.ExcludeSchemes = HeldSchemes(ctx)
		rows, _, err := a.Apply(train, seed)
		if err != nil {
			return nil, err
		}
		var fs features.Set = features.Heidgaf44()
		if set == "domain" {
			if fs, err = features.FitDomain(rows, features.DomainOptions{Seed: seed}); err != nil {
				return nil, err
			}
		}
		names := make([]string, len(rows))
		y := make([]float32, len(rows))
		for i, r := range rows {
			names[i], y[i] = r.Name, float32(r.Label)
		}
		p, _, err := gbdtParams(params, seed, rows)
		if err != nil {
			return nil, err
		}
		model, err := gbdt.Train(ctx, artifact.FeatureMatrix(fs, names), y, p, gbdt.Options{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		scores := make([]float64, len(test))
		if err := model.Predict(artifact.FeatureMatrix(fs, test), scores); err != nil {
			return nil, err
		}
		return scores, nil
	}}
}
