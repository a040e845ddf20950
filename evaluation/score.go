package evaluation

import (
	"fmt"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/trainingdata"
)

// Score scores rows (names, or vectors whose values columns names) and
// returns scores, labels and families side by side. A model of another
// kind than the rows is an error.
func Score(sc *artifact.Scorer, rows []datasets.Row, columns []string) (scores []float64, labels []int, families []string, err error) {
	scores = make([]float64, len(rows))
	switch {
	case sc.TakesVectors() && columns != nil:
		v := make([][]float64, len(rows))
		for i, r := range rows {
			v[i] = r.Values
		}
		if err := sc.ScoreVectors(columns, v, scores); err != nil {
			return nil, nil, nil, err
		}
	case !sc.TakesVectors() && columns == nil:
		sc.Score(trainingdata.Names(rows), scores)
	case columns == nil:
		return nil, nil, nil, fmt.Errorf("a %s model scores vectors; these rows are domain names", sc.Kind())
	default:
		return nil, nil, nil, fmt.Errorf("a model of domain names cannot score the vectors of a flow or tabular dataset")
	}
	labels = make([]int, len(rows))
	families = make([]string, len(rows))
	for i, r := range rows {
		labels[i], families[i] = r.Label, r.Family
	}
	return scores, labels, families, nil
}
