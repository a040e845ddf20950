package activities

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/learners"
	"github.com/mlctl/mlctl/trainingdata"
)

// trainRun is one attempt of the Train activity: the learner, its data and
// parameters, and what its hooks report to.
type trainRun struct {
	a     *Activities
	ctx   context.Context
	in    TrainInput
	start time.Time
	hb    *heartbeater

	l        training.Learner
	data     *trainingData
	p        training.Params
	resolved map[string]string // the manifest's parameters
	resumed  int               // units the attempt resumed with
}

// prepare finds the learner, reads the run's parameters and rows, and
// resolves the learner's parameters on them; errors are final.
func (r *trainRun) prepare() (trainingdata.Layout, error) {
	var err error
	if r.l, err = learners.Lookup(mlctl.Algo(r.in.Algo)); err != nil {
		return trainingdata.Layout{}, nonRetryable(invalid(err))
	}
	spec, err := training.ParseSpec(nil, r.in.Params)
	if err != nil {
		return trainingdata.Layout{}, nonRetryable(invalid(err))
	}
	rows, lay, split, err := trainingdata.LoadSplit(r.ctx, r.a.DB, r.in.DatasetIDs, r.in.SplitID)
	if err != nil {
		return trainingdata.Layout{}, nonRetryable(err)
	}
	if kinds := r.l.Needs().Kinds; kinds != nil && !slices.Contains(kinds, mlctl.Kind(lay.Kind)) {
		return trainingdata.Layout{}, nonRetryable(mlctl.Errorf(mlctl.EINVALID, "%s trains on %s datasets, not %s ones", r.l.Algo(), kindList(kinds), lay.Kind))
	}
	if r.data, err = r.a.trainingData(lay, split, rows, r.l, spec, r.in.FeatureSet, r.in.Seed); err != nil {
		return trainingdata.Layout{}, nonRetryable(invalid(err))
	}
	if r.p, err = r.l.ParseParams(spec.Learner, r.in.Seed, r.data.shape); err != nil {
		return trainingdata.Layout{}, nonRetryable(invalid(err))
	}
	r.resolved = r.p.Map()
	maps.Copy(r.resolved, r.data.params)
	return lay, nil
}

// hooks report the learner's progress to the workflow and save its
// checkpoints to the registry, naming them in the heartbeat.
func (r *trainRun) hooks(resume []byte) training.Hooks {
	unitsStart := time.Now()
	return training.Hooks{
		CheckpointEvery: r.in.CheckpointEvery,
		Resume:          resume,
		Progress: func(pr training.Progress) error {
			pr.Elapsed, pr.ResumedFrom = time.Since(r.start).Seconds(), r.resumed
			if pr.Done > r.resumed {
				pr.ETA = time.Since(unitsStart).Seconds() / float64(pr.Done-r.resumed) * float64(pr.Total-pr.Done)
			}
			r.a.progress(r.ctx, pr)
			return nil
		},
		Checkpoint: func(done int, state []byte) error {
			b, err := encodeCheckpoint(checkpoint{Algo: string(r.l.Algo()), FeatureSet: r.data.fs, Params: r.resolved}, state)
			if err != nil {
				return &hookError{err}
			}
			id, err := r.a.DB.SaveCheckpoint(r.ctx, registry.Checkpoint{WorkflowID: r.in.WorkflowID, Kind: registry.KindCheckpoint, Progress: done, SHA256: artifact.SHA256(b), Artifact: b})
			if err != nil {
				return &hookError{err}
			}
			r.hb.set(TrainHeartbeat{CheckpointID: id, Trees: done})
			return nil
		},
	}
}
