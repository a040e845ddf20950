package activities

import (
	"fmt"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/datasets/dgagen"
	"github.com/mlctl/mlctl/trainingdata"
)

// augmentParams are the --param keys of the default recipe's training
// augmentation for name models (see dgagen.Augment).
var augmentParams = []string{"gen_dga", "gen_benign", "benign_registrable"}

// augmentTraining adds the default recipe's augmentation to the training
// part of a dga dataset for the learners that take generated names (gbdt and rf): DGA names of every generation
// scheme beside the real families, benign names of the kinds popularity
// lists lack, and the registrable domains of benign hostnames (see
// datasets/dgagen). Held-out-family evaluation and a hidden set of unseen
// families and benign sources showed that what generalises is the variety
// of schemes, not more names of known families. Only the training part
// grows: the threshold is chosen on real validation rows and the report is
// on real test rows. It returns the rows to train on and the resolved
// parameters for the manifest (the counts added), or train and nil for
// other kinds and algorithms.
func augmentTraining(lay trainingdata.Layout, generated bool, params map[string]string, train []datasets.Row, seed uint64) ([]datasets.Row, map[string]string, error) {
	if lay.Kind != "dga" || lay.Columns != nil || !generated {
		for _, k := range augmentParams {
			if _, ok := params[k]; ok {
				return nil, nil, fmt.Errorf("%s: only gbdt and rf models of dga datasets train with generated names", k)
			}
		}
		return train, nil, nil
	}
	aug, err := dgagen.ParseAugment(params)
	if err != nil {
		return nil, nil, err
	}
	rows, added, err := aug.Apply(train, seed)
	if err != nil {
		return nil, nil, fmt.Errorf("augment training part: %w", err)
	}
	return rows, aug.Resolved(added), nil
}
