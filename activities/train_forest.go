package activities

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/forest"
	"github.com/mlctl/mlctl/training/iforest"
)

// trainForest trains a random forest (rf, on both classes) or an isolation
// forest (iforest, on the baseline rows of the training part only, seed
// 001's semi-supervised setup: the rows a baseline column marks, else the
// benign ones) with the same features as gbdt, and stores the candidate. Forests train in seconds, so they heartbeat but do
// not checkpoint: a retried attempt starts again and, being seeded, builds
// the same bytes.
func (a *Activities) trainForest(ctx context.Context, in TrainInput, start time.Time) (TrainResult, error) {
	rows, lay, split, err := a.loadSplitRows(ctx, in.DatasetIDs, in.SplitID)
	if err != nil {
		return TrainResult{}, nonRetryable(err)
	}
	part := partRows(rows, split, registry.PartTrain)
	train := labeled(part)
	if in.Algo == "rf" {
		if in.Params["baseline_column"] != "" {
			return TrainResult{}, nonRetryable(&BadInputError{"baseline_column: only isolation forests (--algo iforest) learn from a baseline"})
		}
		if err := checkTwoClasses(train, "training part"); err != nil {
			return TrainResult{}, nonRetryable(err)
		}
	}
	var augmented map[string]string
	if in.Algo == "rf" {
		if train, augmented, err = augmentTraining(lay, in.Algo, in.Params, train, in.Seed); err != nil {
			return TrainResult{}, nonRetryable(&BadInputError{err.Error()})
		}
		part = train
	} else if _, _, err := augmentTraining(lay, in.Algo, in.Params, nil, in.Seed); err != nil {
		return TrainResult{}, nonRetryable(&BadInputError{err.Error()})
	}
	user := map[string]string{}
	for k, v := range in.Params {
		if !RecipeParams[k] {
			user[k] = v
		}
	}
	a.progress(ctx, TrainProgress{Stage: "features", Elapsed: time.Since(start).Seconds()})
	baselineColumn := baselineColumnOf(lay, in.Params["baseline_column"])
	fz, err := newFeaturizer(lay, in.FeatureSet, baselineColumn, part, in.Seed)
	if err != nil {
		return TrainResult{}, nonRetryable(&BadInputError{err.Error()})
	}
	art := &artifact.Artifact{Algo: in.Algo, FeatureSet: fz.fs}
	var trees int
	switch in.Algo {
	case "rf":
		p := forest.DefaultParams()
		p.Seed = in.Seed
		if err := forest.ParseParams(user, &p); err != nil {
			return TrainResult{}, nonRetryable(&BadInputError{err.Error()})
		}
		x := fz.matrix(train)
		y := make([]float32, len(train))
		for i, r := range train {
			y[i] = float32(r.Label)
		}
		m, err := forest.Train(ctx, x, y, p, forest.Options{Progress: func(done int) error {
			a.progress(ctx, TrainProgress{Stage: "trees", Done: done, Total: p.Trees, Elapsed: time.Since(start).Seconds()})
			return ctx.Err()
		}})
		if err != nil {
			return TrainResult{}, trainError(ctx, err)
		}
		art.Forest, trees = m, m.NumTrees()
		art.Params = forestParamsMap(p)
		maps.Copy(art.Params, augmented)
	case "iforest":
		p := iforest.DefaultParams()
		p.Seed = in.Seed
		if err := iforest.ParseParams(user, &p); err != nil {
			return TrainResult{}, nonRetryable(&BadInputError{err.Error()})
		}
		baseline, err := baselineRows(part, lay, baselineColumn)
		if err != nil {
			return TrainResult{}, nonRetryable(&BadInputError{err.Error()})
		}
		x := fz.matrix(baseline)
		m, err := iforest.Train(ctx, x, p, iforest.Options{FeatureNames: fz.fs.Names, Progress: func(done, total int) error {
			a.progress(ctx, TrainProgress{Stage: "trees", Done: done, Total: total, Elapsed: time.Since(start).Seconds()})
			return ctx.Err()
		}})
		if err != nil {
			return TrainResult{}, trainError(ctx, err)
		}
		art.IForest, trees = m, m.NumTrees()
		art.Params = p.Map()
		if baselineColumn != "" {
			art.Params["baseline_column"] = baselineColumn
		}
	default:
		return TrainResult{}, nonRetryable(&BadInputError{fmt.Sprintf("algo %q is not available (have: gbdt, rf, iforest, lstm)", in.Algo)})
	}
	data, sha, err := artifact.Encode(art)
	if err != nil {
		return TrainResult{}, err
	}
	id, err := a.DB.SaveCheckpoint(ctx, registry.Checkpoint{WorkflowID: in.WorkflowID, Kind: registry.KindCandidate, Progress: trees, SHA256: sha, Artifact: data})
	if err != nil {
		return TrainResult{}, err
	}
	return TrainResult{CandidateID: id, SHA256: sha, Trees: trees, Params: maps.Clone(art.Params), Seconds: time.Since(start).Seconds()}, nil
}

// trainError keeps a cancellation retryable and makes bad data final.
func trainError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return nonRetryable(&BadInputError{"train: " + err.Error()})
}

// forestParamsMap is the random forest's resolved parameters for the manifest.
func forestParamsMap(p forest.Params) map[string]string {
	return map[string]string{
		"n_estimators": strconv.Itoa(p.Trees), "max_features": p.MaxFeatures, "max_depth": strconv.Itoa(p.MaxDepth),
		"min_samples_leaf": strconv.Itoa(p.MinSamplesLeaf), "min_samples_split": strconv.Itoa(p.MinSamplesSplit),
		"bootstrap": strconv.FormatBool(p.Bootstrap), "class_weight": p.ClassWeight, "max_bin": strconv.Itoa(p.MaxBin),
		"seed": strconv.FormatUint(p.Seed, 10),
	}
}
