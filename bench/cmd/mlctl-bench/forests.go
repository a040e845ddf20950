package main

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl/artifact"
	forestbench "github.com/mlctl/mlctl/bench/forest"
	iforestbench "github.com/mlctl/mlctl/bench/iforest"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/training/forest"
	"github.com/mlctl/mlctl/training/iforest"
)

// Forests compares mlctl's forests with sklearn's on the same rows: the
// corpus with heiDGAF's 44 features (unsupervised, so fair to the
// isolation forest, whose baseline is the benign rows).
type Forests struct {
	Features        string              `json:"features"`
	RandomForest    forestbench.Result  `json:"random_forest"`
	IsolationForest iforestbench.Result `json:"isolation_forest"`
}

func compareForests(ctx context.Context, rows []datasets.Row) (Forests, error) {
	set, err := features.Lookup("heidgaf44", nil)
	if err != nil {
		return Forests{}, err
	}
	names := make([]string, len(rows))
	y := make([]float32, len(rows))
	for i, r := range rows {
		names[i], y[i] = r.Name, float32(r.Label)
	}
	x := artifact.FeatureMatrix(set, names)
	out := Forests{Features: fmt.Sprintf("%s (%d rows x %d)", set.Name(), x.Rows, x.Cols)}
	fmt.Printf("random forest: mlctl vs sklearn RandomForestClassifier(n_estimators=100, max_features=sqrt), %s\n", out.Features)
	if out.RandomForest, err = forestbench.Compare(ctx, x, y, forest.DefaultParams(), []int{2}); err != nil {
		return out, err
	}
	fmt.Println(out.RandomForest.Table())
	fmt.Printf("isolation forest: mlctl vs sklearn IsolationForest(n_estimators=100), baseline = benign rows, %s\n", out.Features)
	if out.IsolationForest, err = iforestbench.Compare(ctx, x, y, iforest.DefaultParams(), []int{1, 2}); err != nil {
		return out, err
	}
	fmt.Println(out.IsolationForest.Table())
	return out, nil
}
