package activities

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/learners"
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
func (a *Activities) Train(ctx context.Context, in TrainInput) (res TrainResult, err error) {
	if in.CheckpointEvery <= 0 {
		in.CheckpointEvery = 5 * time.Second
	}
	r := &trainRun{a: a, ctx: ctx, in: in, start: time.Now(), hb: newHeartbeater(ctx)}
	defer r.hb.stop()
	algo := metricAlgo(in.Algo)
	a.Metrics.trainingStarted(algo)
	defer func() { a.Metrics.trainingEnded(algo, r.data.rows(), time.Since(r.start), err) }()
	lay, err := r.prepare()
	if err != nil {
		return TrainResult{}, err
	}

	// Resume: a checkpoint carries the fitted features and the learner's state.
	cp, resumed := a.resumePoint(ctx, in, r.l, r.resolved)
	if resumed > 0 {
		r.hb.set(TrainHeartbeat{Trees: resumed})
	}
	a.progress(ctx, training.Progress{Stage: "features", ResumedFrom: resumed, Elapsed: time.Since(r.start).Seconds()})
	var resume []byte
	if cp != nil {
		r.data.fs, resume = cp.FeatureSet, cp.state
	}
	d, err := r.data.build(lay)
	if err != nil {
		return TrainResult{}, nonRetryable(invalid(err))
	}
	r.resumed = resumed
	m, err := r.l.Train(ctx, d, r.p, r.hooks(resume))
	if err != nil && resume != nil && ctx.Err() == nil && !errors.As(err, new(*hookError)) {
		// A state this run cannot use: start over.
		activity.GetLogger(ctx).Warn("checkpoint unusable, training from the start", "error", err)
		r.resumed = 0
		m, err = r.l.Train(ctx, d, r.p, r.hooks(nil))
	}
	if err != nil {
		return TrainResult{}, trainError(ctx, err)
	}
	art := &artifact.Artifact{Algo: r.l.Algo(), FeatureSet: r.data.fs, Params: r.resolved, Model: m}
	b, sha, err := artifact.Encode(art)
	if err != nil {
		return TrainResult{}, err
	}
	id, err := a.DB.SaveCheckpoint(ctx, registry.Checkpoint{WorkflowID: in.WorkflowID, Kind: registry.KindCandidate, Progress: m.Units(), SHA256: sha, Artifact: b})
	if err != nil {
		return TrainResult{}, err
	}
	a.progress(ctx, training.Progress{Stage: r.l.Needs().Unit, Done: m.Units(), Total: m.Units(), Elapsed: time.Since(r.start).Seconds(), ResumedFrom: r.resumed})
	return TrainResult{CandidateID: id, SHA256: sha, Trees: m.Units(), ResumedFrom: r.resumed, Params: maps.Clone(r.resolved), Seconds: time.Since(r.start).Seconds()}, nil
}

// metricAlgo is algo as a metric label: an algorithm mlctl has, else
// "unknown" (a label takes no arbitrary input).
func metricAlgo(algo string) string {
	if _, err := learners.Lookup(mlctl.Algo(algo)); err != nil {
		return "unknown"
	}
	return algo
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
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, " or ")
}
