package driftcheck

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/published"
	"github.com/mlctl/mlctl/training/drift"
	"github.com/mlctl/mlctl/trainingdata"
)

// Which training rows a drift check compares with.
const (
	BaselineBenign = "benign" // the rows labeled 0 (all rows when none is)
	BaselineAll    = "all"
)

// BaselineRows returns the training rows a drift check compares with:
// every row, or the benign ones. Live traffic is nearly all benign, while
// a training set holds both classes (a third of it DGA names on the shared
// data): compared with all of it, benign traffic the model knows well has
// 92% of its features "drifted". A model trained on no labeled benign row
// (an unlabeled isolation forest baseline) keeps all its rows.
func BaselineRows(train []datasets.Row, which string) []datasets.Row {
	if which == BaselineAll {
		return train
	}
	var benign []datasets.Row
	for _, r := range train {
		if r.Label == 0 {
			benign = append(benign, r)
		}
	}
	if len(benign) == 0 {
		return train
	}
	return benign
}

// ModelBaseline is the drift baseline of a published model whose scorer
// is sc: its training rows (trainingdata.Trained), all or the benign ones
// (which: BaselineAll or BaselineBenign), at most n of them as the model
// reads them (Baseline). A model without training rows or without named
// features is an EINVALID error.
func ModelBaseline(ctx context.Context, st Store, l *published.Loaded, sc *artifact.Scorer, which string, n int) (*drift.Baseline, error) {
	train, columns, err := trainingdata.Trained(ctx, st, l.Model, l.Manifest)
	if err != nil {
		return nil, err
	}
	train = BaselineRows(train, which)
	if len(train) == 0 {
		return nil, mlctl.Errorf(mlctl.EINVALID, "model %s has no training rows to compare with", l.Model.Ref())
	}
	base, err := Baseline(sc, train, columns, n)
	if err != nil {
		return nil, mlctl.Errorf(mlctl.EINVALID, "drift baseline of %s: %v", l.Model.Ref(), err)
	}
	return base, nil
}

// Baseline is the drift baseline of the model whose scorer is sc: at most
// n of its training rows (and the names of their values), a seeded
// choice, as the model reads them: for a model of names, the features its
// feature set computes; for one of vectors, the columns it reads, picked
// by name. A model without named features (an LSTM) has no baseline.
func Baseline(sc *artifact.Scorer, train []datasets.Row, columns []string, n int) (*drift.Baseline, error) {
	if sc.TakesVectors() {
		vectors := make([][]float64, len(train))
		for i, r := range train {
			vectors[i] = r.Values
		}
		idx, err := artifact.ColumnMap(sc.Names(), columns)
		if err != nil {
			return nil, fmt.Errorf("training rows: %w", err)
		}
		return drift.NewBaseline(sc.Names(), PickColumns(idx, Sample(vectors, n, TrainSeed)))
	}
	set := sc.FeatureSet()
	if set == nil {
		return nil, fmt.Errorf("a %s model without named features (an LSTM reads token sequences) has no drift baseline", sc.Kind())
	}
	return drift.NewBaseline(set.Names(), FeatureRows(set, Sample(trainingdata.Names(train), n, TrainSeed)))
}
