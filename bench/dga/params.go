package dga

import (
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/gbdt"
)

// gbdtParams are the parameters the training activity gives gbdt for
// these rows and --param map: the learner's defaults, positives weighted
// by negatives/positives, and the manifest's resolved map.
func gbdtParams(params map[string]string, seed uint64, rows []datasets.Row) (gbdt.Params, map[string]string, error) {
	spec, err := training.ParseSpec(gbdt.Learner{}, params)
	if err != nil {
		return gbdt.Params{}, nil, err
	}
	var shape training.Shape
	for _, r := range rows {
		if r.Label == 1 {
			shape.Positives++
		} else {
			shape.Negatives++
		}
	}
	p, err := gbdt.Learner{}.ParseParams(spec.Learner, seed, shape)
	if err != nil {
		return gbdt.Params{}, nil, err
	}
	return p.(gbdt.Params), p.Map(), nil
}
