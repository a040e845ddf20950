package dga

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/datasets/dgagen"
	"github.com/mlctl/mlctl/evaluation"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/features/prefilter"
	"github.com/mlctl/mlctl/training/eval"
	"github.com/mlctl/mlctl/training/gbdt"
)

// DefaultFPR is the default recipe's threshold rule: the threshold that
// keeps the false positive rate on the validation split at most this.
const DefaultFPR = 0.001

// TrainDefault builds the model `mlctl train --algo gbdt` makes of a dga
// dataset, as activities.Train and Evaluate do, without the registry: the
// training part augmented by datasets/dgagen (DefaultAugment), the domain
// feature set fitted on it, gbdt with the learner's defaults (gbdt.Learner), and
// the threshold at DefaultFPR on the validation rows the default prefilter
// keeps. The artifact is servable (artifact.NewScorer).
func TrainDefault(ctx context.Context, train, valid []datasets.Row, seed uint64) (*artifact.Artifact, Thresholds, error) {
	var none Thresholds
	rows, added, err := dgagen.DefaultAugment().Apply(train, seed)
	if err != nil {
		return nil, none, fmt.Errorf("augment training part: %w", err)
	}
	set, err := features.FitDomain(rows, features.DomainOptions{Seed: seed})
	if err != nil {
		return nil, none, fmt.Errorf("fit domain: %w", err)
	}
	state, err := json.Marshal(set)
	if err != nil {
		return nil, none, fmt.Errorf("encode feature state: %w", err)
	}
	p, resolved, err := gbdtParams(nil, seed, rows)
	if err != nil {
		return nil, none, err
	}
	maps.Copy(resolved, dgagen.DefaultAugment().Resolved(added))
	names := make([]string, len(rows))
	y := make([]float32, len(rows))
	for i, r := range rows {
		names[i], y[i] = r.Name, float32(r.Label)
	}
	model, err := gbdt.Train(ctx, artifact.FeatureMatrix(set, names), y, p, gbdt.Options{})
	if err != nil {
		return nil, none, fmt.Errorf("train: %w", err)
	}
	art := &artifact.Artifact{Algo: mlctl.AlgoGBDT, Params: resolved, Model: model,
		FeatureSet: artifact.FeatureSet{Name: set.Name(), Version: set.Version(), Names: set.Names(), State: state}}
	sc, err := artifact.NewScorer(art)
	if err != nil {
		return nil, none, err
	}
	vn, vl := Prefiltered(valid)
	vs := make([]float64, len(vn))
	sc.Score(vn, vs)
	_, threshold := eval.RecallAtFPR(vs, vl, DefaultFPR)
	return art, Thresholds{Name: threshold, Client: evaluation.ClientThreshold(vs, vl, threshold)}, nil
}

// Thresholds are a model's name threshold and its client threshold (see
// activities.EvaluateResult.ClientThreshold).
type Thresholds struct {
	Name, Client float64
}

// Prefiltered returns the names and labels of the rows the default
// prefilter keeps, as evaluation leaves the others out.
func Prefiltered(rows []datasets.Row) ([]string, []int) {
	p := prefilter.Default()
	var names []string
	var labels []int
	for _, r := range rows {
		if _, out := p.Check(r.Name); out {
			continue
		}
		names, labels = append(names, r.Name), append(labels, r.Label)
	}
	return names, labels
}
