package main

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mlctl/mlctl/artifact"
	gbdtbench "github.com/mlctl/mlctl/bench/gbdt"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/training/gbdt"
	"github.com/mlctl/mlctl/training/matrix"
)

// Scoring compares mlctl's whole scoring path with xgboost's batch predict.
type Scoring struct {
	Names                    int     `json:"names"`
	Threads                  int     `json:"threads"`
	FeaturesPerSec           float64 `json:"mlctl_features_names_per_sec"`
	MlctlPredictRowsPerSec   float64 `json:"mlctl_predict_rows_per_sec"`
	MlctlScoreNamesPerSec    float64 `json:"mlctl_score_names_per_sec"`
	XGBoostPredictRowsPerSec float64 `json:"xgboost_predict_rows_per_sec"`
	Ratio                    float64 `json:"ratio_mlctl_score_to_xgboost_predict"`
	// The same path with mlctl's default recipe (gbdt.LearnerDefaults),
	// the model `mlctl train` publishes unless told otherwise.
	DefaultParams         string  `json:"default_params"`
	DefaultScoreNamesPerS float64 `json:"mlctl_default_model_score_names_per_sec"`
}

func featureMatrix(set features.Set, names []string) *matrix.Matrix {
	return artifact.FeatureMatrix(set, names)
}

// measureScoring times features + predict over about a million names (the
// corpus repeated), median of 5, on every core.
func measureScoring(ctx context.Context, set features.Set, names []string, x *matrix.Matrix, y []float32, p gbdt.Params, res gbdtbench.Result) (Scoring, error) {
	p.Threads = 0
	model, err := gbdt.Train(ctx, x, y, p, gbdt.Options{})
	if err != nil {
		return Scoring{}, err
	}
	var all []string
	for len(all) < 1_000_000 {
		all = append(all, names...)
	}
	state, err := set.(interface{ MarshalJSON() ([]byte, error) }).MarshalJSON()
	if err != nil {
		return Scoring{}, err
	}
	sc, err := artifact.NewScorer(&artifact.Artifact{Algo: "gbdt", Model: model,
		FeatureSet: artifact.FeatureSet{Name: set.Name(), Version: set.Version(), Names: set.Names(), State: state}})
	if err != nil {
		return Scoring{}, err
	}
	out := make([]float64, len(all))
	score := median(5, func() { sc.Score(all, out) })
	dp := gbdt.LearnerDefaults()
	dp.ScalePosWeight = 1
	defModel, err := gbdt.Train(ctx, x, y, dp, gbdt.Options{})
	if err != nil {
		return Scoring{}, err
	}
	defSc, err := artifact.NewScorer(&artifact.Artifact{Algo: "gbdt", Model: defModel,
		FeatureSet: artifact.FeatureSet{Name: set.Name(), Version: set.Version(), Names: set.Names(), State: state}})
	if err != nil {
		return Scoring{}, err
	}
	defScore := median(5, func() { defSc.Score(all, out) })
	feat := median(5, func() { parallelFeatures(set, all) })
	pred := make([]float64, x.Rows)
	predict := median(5, func() { model.Predict(x, pred) })
	s := Scoring{
		Names: len(all), Threads: runtime.GOMAXPROCS(0),
		FeaturesPerSec:         float64(len(all)) / feat,
		MlctlPredictRowsPerSec: float64(x.Rows) / predict,
		MlctlScoreNamesPerSec:  float64(len(all)) / score,
		DefaultParams:          fmt.Sprintf("%d rounds, depth %d, eta %g, min_child_weight %g", dp.Rounds, dp.MaxDepth, dp.Eta, dp.MinChildWeight),
		DefaultScoreNamesPerS:  float64(len(all)) / defScore,
	}
	for _, r := range res.Runs {
		if r.Threads == runtime.GOMAXPROCS(0) {
			s.XGBoostPredictRowsPerSec = r.XGBoostPredictRowsPerSec
		}
	}
	if s.XGBoostPredictRowsPerSec > 0 {
		s.Ratio = s.MlctlScoreNamesPerSec / s.XGBoostPredictRowsPerSec
	}
	return s, nil
}

// parallelFeatures computes features only, on every core, into per-worker scratch.
func parallelFeatures(set features.Set, names []string) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	chunk := (len(names) + workers - 1) / workers
	for lo := 0; lo < len(names); lo += chunk {
		hi := min(lo+chunk, len(names))
		wg.Add(1)
		go func() {
			defer wg.Done()
			row := make([]float64, len(set.Names()))
			for _, n := range names[lo:hi] {
				set.Extract(n, row)
			}
		}()
	}
	wg.Wait()
}

func median(n int, f func()) float64 {
	ts := make([]float64, n)
	for i := range ts {
		t := time.Now()
		f()
		ts[i] = time.Since(t).Seconds()
	}
	sort.Float64s(ts)
	return ts[n/2]
}

// Table renders the scoring comparison.
func (s Scoring) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scoring (%d names, %d threads, median of 5)\n", s.Names, s.Threads)
	fmt.Fprintf(&b, "  %-44s %14.0f /s\n", "mlctl features only", s.FeaturesPerSec)
	fmt.Fprintf(&b, "  %-44s %14.0f /s\n", "mlctl predict only (held-in matrix)", s.MlctlPredictRowsPerSec)
	fmt.Fprintf(&b, "  %-44s %14.0f /s\n", "mlctl score = features + predict", s.MlctlScoreNamesPerSec)
	fmt.Fprintf(&b, "  %-44s %14.0f /s\n", "xgboost batch predict (features precomputed)", s.XGBoostPredictRowsPerSec)
	fmt.Fprintf(&b, "  ratio mlctl score / xgboost predict: %.2fx\n", s.Ratio)
	fmt.Fprintf(&b, "  %-44s %14.0f /s  (%s)\n", "mlctl score with the default recipe's model", s.DefaultScoreNamesPerS, s.DefaultParams)
	return b.String()
}
