package txtbench

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/mlctl/mlctl/datasets/txtgen"
	"github.com/mlctl/mlctl/training/gbdt"
)

// FeatureWeight is one ShapeFeature's mean absolute path contribution to
// the margin of a features-gbdt model.
type FeatureWeight struct {
	Name   string
	Weight float64
}

// Importance fits features-gbdt on everything the study draws — every
// generated tool and benign family, the real zone records and dns2tcp
// answers: the model mlctl would ship — and returns how much each
// ShapeFeature moves its scores on those records, largest first.
func Importance(ctx context.Context, c Corpus, cfg Config) ([]FeatureWeight, error) {
	train, _ := generated(cfg.Seed, cfg.Sizes)
	xs := append(slices.Clone(c.Zone), sample(c.Dns2tcp, cfg.Sizes.Dns2tcp, cfg.Seed)...)
	for _, f := range txtgen.All() {
		xs = append(xs, train[f.Name]...)
	}
	p := gbdt.DefaultParams()
	p.Rounds, p.MaxDepth, p.Eta, p.Seed, p.Threads = cfg.Rounds, 4, 0.1, cfg.Seed, 1
	ys := make([]float32, len(xs))
	for i, x := range xs {
		ys[i] = float32(x.Label)
	}
	x := featureMatrix(texts(xs), nil)
	m, err := gbdt.Train(ctx, x, ys, p, gbdt.Options{})
	if err != nil {
		return nil, fmt.Errorf("txtbench: %w", err)
	}
	sums := make([]float64, len(ShapeFeatureNames))
	contrib := make([]float64, len(ShapeFeatureNames)+1) // the last is the bias
	for i := range x.Rows {
		if err := m.Contributions(x.Row(i), contrib); err != nil {
			return nil, fmt.Errorf("txtbench: %w", err)
		}
		for k := range sums {
			sums[k] += math.Abs(contrib[k])
		}
	}
	out := make([]FeatureWeight, len(sums))
	for k, s := range sums {
		out[k] = FeatureWeight{ShapeFeatureNames[k], s / float64(x.Rows)}
	}
	slices.SortStableFunc(out, func(a, b FeatureWeight) int { return cmp.Compare(b.Weight, a.Weight) })
	return out, nil
}
