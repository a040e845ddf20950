package activities

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/learners"
	"github.com/mlctl/mlctl/trainingdata"
)

// ProgressSignal is the signal a training activity sends its workflow
// (a training.Progress).
const ProgressSignal = "train-progress"

// TrainHeartbeat is recorded with every heartbeat; a retried attempt resumes
// from its checkpoint instead of from the start.
type TrainHeartbeat struct {
	CheckpointID int64 `json:"checkpoint_id"`
	// Trees is the units (trees or epochs) the checkpoint holds.
	Trees int `json:"trees"`
}

// TrainInput says what to train on and how.
type TrainInput struct {
	WorkflowID string            `json:"workflow_id"`
	DatasetIDs []int64           `json:"dataset_ids"`
	SplitID    int64             `json:"split_id"`
	Algo       string            `json:"algo"`
	FeatureSet string            `json:"feature_set"`
	Params     map[string]string `json:"params"`
	Seed       uint64            `json:"seed"`
	// CheckpointEvery is the shortest time between checkpoints (default 5s).
	CheckpointEvery time.Duration `json:"checkpoint_every"`
}

// TrainResult identifies the unpublished candidate model.
type TrainResult struct {
	CandidateID int64  `json:"candidate_id"`
	SHA256      string `json:"sha256"`
	// Trees is the units the model holds: trees, or an LSTM's epochs.
	Trees       int               `json:"trees"`
	ResumedFrom int               `json:"resumed_from"`
	Params      map[string]string `json:"params"`
	Seconds     float64           `json:"seconds"`
}

// Train fits the feature set (or tokenizer) on the training part, trains
// the algorithm's learner with heartbeats, checkpoints to the registry and
// stores the finished model as a candidate. After a worker dies it resumes
// from the last checkpoint; a seeded run ends with the same bytes either way.
func (a *Activities) Train(ctx context.Context, in TrainInput) (TrainResult, error) {
	start := time.Now()
	if in.CheckpointEvery <= 0 {
		in.CheckpointEvery = 5 * time.Second
	}
	hb := newHeartbeater(ctx)
	defer hb.stop()

	l, err := learners.Lookup(mlctl.Algo(in.Algo))
	if err != nil {
		return TrainResult{}, nonRetryable(invalid(err))
	}
	spec, err := training.ParseSpec(nil, in.Params)
	if err != nil {
		return TrainResult{}, nonRetryable(invalid(err))
	}
	need := l.Needs()
	rows, lay, split, err := trainingdata.LoadSplit(ctx, a.DB, in.DatasetIDs, in.SplitID)
	if err != nil {
		return TrainResult{}, nonRetryable(err)
	}
	if need.Kinds != nil && !slices.Contains(need.Kinds, mlctl.Kind(lay.Kind)) {
		return TrainResult{}, nonRetryable(mlctl.Errorf(mlctl.EINVALID, "%s trains on %s datasets, not %s ones", l.Algo(), kindList(need.Kinds), lay.Kind))
	}
	data, err := a.trainingData(lay, split, rows, l, spec, in.FeatureSet, in.Seed)
	if err != nil {
		return TrainResult{}, nonRetryable(invalid(err))
	}
	p, err := l.ParseParams(spec.Learner, in.Seed, data.shape)
	if err != nil {
		return TrainResult{}, nonRetryable(invalid(err))
	}
	resolved := p.Map()
	maps.Copy(resolved, data.params)

	// Resume: a checkpoint carries the fitted features and the learner's state.
	cp, resumed := a.resumePoint(ctx, in, l, resolved)
	if resumed > 0 {
		hb.set(TrainHeartbeat{Trees: resumed})
	}
	a.progress(ctx, training.Progress{Stage: "features", ResumedFrom: resumed, Elapsed: time.Since(start).Seconds()})
	var resume []byte
	if cp != nil {
		data.fs, resume = cp.FeatureSet, cp.state
	}
	d, err := data.build(lay)
	if err != nil {
		return TrainResult{}, nonRetryable(invalid(err))
	}

	unitsStart := time.Now()
	hooks := training.Hooks{
		CheckpointEvery: in.CheckpointEvery,
		Resume:          resume,
		Progress: func(pr training.Progress) error {
			pr.Elapsed, pr.ResumedFrom = time.Since(start).Seconds(), resumed
			if pr.Done > resumed {
				pr.ETA = time.Since(unitsStart).Seconds() / float64(pr.Done-resumed) * float64(pr.Total-pr.Done)
			}
			a.progress(ctx, pr)
			return nil
		},
		Checkpoint: func(done int, state []byte) error {
			b, err := encodeCheckpoint(checkpoint{Algo: string(l.Algo()), FeatureSet: data.fs, Params: resolved}, state)
			if err != nil {
				return &hookError{err}
			}
			id, err := a.DB.SaveCheckpoint(ctx, registry.Checkpoint{WorkflowID: in.WorkflowID, Kind: registry.KindCheckpoint, Progress: done, SHA256: artifact.SHA256(b), Artifact: b})
			if err != nil {
				return &hookError{err}
			}
			hb.set(TrainHeartbeat{CheckpointID: id, Trees: done})
			return nil
		},
	}
	m, err := l.Train(ctx, d, p, hooks)
	if err != nil && resume != nil && ctx.Err() == nil && !errors.As(err, new(*hookError)) {
		// A state this run cannot use: start over.
		activity.GetLogger(ctx).Warn("checkpoint unusable, training from the start", "error", err)
		hooks.Resume, resumed = nil, 0
		m, err = l.Train(ctx, d, p, hooks)
	}
	if err != nil {
		return TrainResult{}, trainError(ctx, err)
	}
	art := &artifact.Artifact{Algo: l.Algo(), FeatureSet: data.fs, Params: resolved, Model: m}
	b, sha, err := artifact.Encode(art)
	if err != nil {
		return TrainResult{}, err
	}
	id, err := a.DB.SaveCheckpoint(ctx, registry.Checkpoint{WorkflowID: in.WorkflowID, Kind: registry.KindCandidate, Progress: m.Units(), SHA256: sha, Artifact: b})
	if err != nil {
		return TrainResult{}, err
	}
	a.progress(ctx, training.Progress{Stage: need.Unit, Done: m.Units(), Total: m.Units(), Elapsed: time.Since(start).Seconds(), ResumedFrom: resumed})
	return TrainResult{CandidateID: id, SHA256: sha, Trees: m.Units(), ResumedFrom: resumed, Params: maps.Clone(resolved), Seconds: time.Since(start).Seconds()}, nil
}

// hookError is an error of the activity's own hooks (saving a checkpoint):
// retryable, unlike the learner's errors about the data.
type hookError struct{ err error }

func (e *hookError) Error() string { return e.err.Error() }
func (e *hookError) Unwrap() error { return e.err }

// trainError keeps a cancellation and a failed checkpoint write retryable
// and makes bad data final.
func trainError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.As(err, new(*hookError)) {
		return err
	}
	return nonRetryable(mlctl.Errorf(mlctl.EINVALID, "train: %v", err))
}

// resumePoint finds where a retried attempt can continue: the checkpoint
// named by the last heartbeat, or a newer one this workflow saved after it
// (heartbeats are throttled, checkpoints are not). A checkpoint made with
// other parameters or an unreadable one is ignored.
func (a *Activities) resumePoint(ctx context.Context, in TrainInput, l training.Learner, params map[string]string) (*checkpoint, int) {
	var best *registry.Checkpoint
	var last TrainHeartbeat
	if activity.HasHeartbeatDetails(ctx) && activity.GetHeartbeatDetails(ctx, &last) == nil && last.CheckpointID > 0 {
		if c, err := a.DB.CheckpointByID(ctx, last.CheckpointID); err == nil {
			best = c
		}
	}
	if c, err := a.DB.LatestCheckpoint(ctx, in.WorkflowID, registry.KindCheckpoint); err == nil && (best == nil || c.Progress > best.Progress) {
		best = c
	}
	if best == nil {
		return nil, 0
	}
	cp, err := decodeCheckpoint(best.Artifact, best.SHA256)
	if err == nil && (cp.Algo != string(l.Algo()) || !maps.Equal(cp.Params, params)) {
		err = fmt.Errorf("made with other parameters")
	}
	done := 0
	if err == nil {
		done, err = l.ResumePoint(cp.state)
	}
	if err != nil {
		activity.GetLogger(ctx).Warn("checkpoint unusable, training from the start", "checkpoint", best.ID, "error", err)
		return nil, 0
	}
	activity.GetLogger(ctx).Info("resuming from checkpoint", "checkpoint", best.ID, l.Needs().Unit, done)
	return cp, done
}

// kindList is kinds joined with "or".
func kindList(kinds []mlctl.Kind) string {
	s := ""
	for i, k := range kinds {
		if i > 0 {
			s += " or "
		}
		s += string(k)
	}
	return s
}
