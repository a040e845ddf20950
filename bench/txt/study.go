package txtbench

import (
	"context"
	"fmt"
	"math"

	"golang.org/x/sync/errgroup"

	"github.com/mlctl/mlctl/training/eval"
)

// Config is one run of the study.
type Config struct {
	Protocol Protocol
	// Seed draws the generated records and seeds every model.
	Seed  uint64
	Sizes Sizes
	LSTM  LSTMSize
	// Rounds is the number of trees of the features-gbdt recipe.
	Rounds int
	// Workers is the number of models trained at once (each trains on
	// one goroutine); 0 means 1.
	Workers int
}

// Blend is a derived recipe: the mean of two recipes' probabilities,
// computed from their scores without training anything.
type Blend struct{ Name, A, B string }

// Blends are the study's derived recipes.
var Blends = []Blend{{RecipeBlend, RecipeShapeCharWB, RecipeFeatures}}

// RecipeBlend is the mean of the shape-charwb and features-gbdt
// probabilities.
const RecipeBlend = "blend"

// Run fits every recipe on every fold's training set and scores the fold's
// test set. The result does not depend on Workers.
func Run(ctx context.Context, c Corpus, cfg Config, recipes []Recipe) (*Result, error) {
	folds, err := Folds(c, cfg.Protocol, cfg.Seed, cfg.Sizes)
	if err != nil {
		return nil, err
	}
	scores := make([][][]float64, len(folds)) // fold, recipe → test scores
	for i := range scores {
		scores[i] = make([][]float64, len(recipes))
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(cfg.Workers, 1))
	for i, fd := range folds {
		for j, rc := range recipes {
			train := fd.Train
			if rc.RealOnly {
				train = realOnly(train)
			}
			if !twoClasses(train) {
				continue
			}
			g.Go(func() error {
				s, err := rc.fit(ctx, train, cfg.Seed)
				if err != nil {
					return fmt.Errorf("%s, fold %s/%s: %w", rc.Name, fd.Tool, fd.Group, err)
				}
				out, err := s(texts(fd.Test))
				if err != nil {
					return fmt.Errorf("%s, fold %s/%s: %w", rc.Name, fd.Tool, fd.Group, err)
				}
				scores[i][j] = out // each job writes its own element
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	r := newResult(folds, recipes, scores)
	r.Protocol = cfg.Protocol
	return r, nil
}

// twoClasses reports whether xs hold both labels.
func twoClasses(xs []Example) bool {
	var seen [2]bool
	for _, x := range xs {
		seen[x.Label] = true
	}
	return seen[0] && seen[1]
}

// auc is eval.ROCAUC, NaN without scores.
func auc(scores []float64, labels []int) float64 {
	if scores == nil {
		return math.NaN()
	}
	return eval.ROCAUC(scores, labels)
}
