package evaluation

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/published"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/eval"
	"github.com/mlctl/mlctl/trainingdata"
)

// Published scores every row of the datasets with a published model at
// its stored threshold and records the evaluation (`mlctl eval`). Rows of
// names the default prefilter rejects are left out and counted in the
// report's Prefiltered.
func Published(ctx context.Context, st Store, m *registry.Model, ds []*registry.Dataset) (mlctl.Report, error) {
	pub, err := published.Load(ctx, st, m)
	if err != nil {
		return mlctl.Report{}, err
	}
	art, man := pub.Artifact, pub.Manifest
	sc, err := artifact.NewScorer(art)
	if err != nil {
		return mlctl.Report{}, err
	}
	ids := trainingdata.IDs(ds)
	rows, lay, err := trainingdata.Load(ctx, st, ids)
	if err != nil {
		return mlctl.Report{}, err
	}
	rows, left := Prefilter(sc, trainingdata.Labeled(rows))
	if len(rows) == 0 {
		return mlctl.Report{}, mlctl.Errorf(mlctl.EINVALID, "no labeled rows to evaluate%s", prefilteredNote(left))
	}
	s, l, f, err := Score(sc, rows, lay.Columns)
	if err != nil {
		return mlctl.Report{}, mlctl.Errorf(mlctl.EINVALID, "%s: %v", m.Ref(), err)
	}
	rep := eval.Evaluate(s, l, f, man.Threshold)
	rep.Prefiltered = left
	if _, err := st.AddEvaluation(ctx, Record(m.ID, ids, "all", rep)); err != nil {
		return rep, fmt.Errorf("record evaluation: %w", err)
	}
	return rep, nil
}
