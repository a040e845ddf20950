package trainingdata

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
)

// Trained returns the rows a published model was trained on: the train
// part of its stored split of its dataset versions, with the names of the
// values of vector rows (nil for names).
func Trained(ctx context.Context, st Store, m *registry.Model, man *artifact.Manifest) ([]datasets.Row, []string, error) {
	return modelPart(ctx, st, m, man, registry.PartTrain, "training split")
}

// Tested returns the rows a published model was tested on, those its
// published metrics came from: the test part of its stored split, with
// the names of the values of vector rows (nil for names).
func Tested(ctx context.Context, st Store, m *registry.Model, man *artifact.Manifest) ([]datasets.Row, []string, error) {
	return modelPart(ctx, st, m, man, registry.PartTest, "test split")
}

// modelPart returns one part of the model's stored split; what names the
// split in errors.
func modelPart(ctx context.Context, st Store, m *registry.Model, man *artifact.Manifest, part byte, what string) ([]datasets.Row, []string, error) {
	ds, err := Resolve(ctx, st, man.DatasetVersions)
	if err != nil {
		return nil, nil, fmt.Errorf("datasets of %s: %w", m.Ref(), err)
	}
	ids := IDs(ds)
	s, err := st.FindSplit(ctx, ids, man.Split.Seed, man.Split.HoldoutFamilies)
	if err != nil {
		return nil, nil, fmt.Errorf("%s of %s: %w", what, m.Ref(), err)
	}
	all, lay, s, err := LoadSplit(ctx, st, ids, s.ID)
	if err != nil {
		return nil, nil, err
	}
	return Part(all, s, part), lay.Columns, nil
}
