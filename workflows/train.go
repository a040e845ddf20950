package workflows

import (
	"strconv"
	"strings"
	"time"

	"github.com/mlctl/mlctl"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/training"
)

// ProgressQuery is the query `mlctl train --wait` polls.
const ProgressQuery = "progress"

// TrainModelInput is what `mlctl train` starts a TrainModel workflow with.
type TrainModelInput struct {
	Model           string            `json:"model"`
	Datasets        []string          `json:"datasets"`
	Algo            string            `json:"algo"`
	FeatureSet      string            `json:"feature_set"`
	Params          map[string]string `json:"params"`
	HoldoutFamilies []string          `json:"holdout_families"`
	Seed            uint64            `json:"seed"`
	// TrainHeartbeatTimeout bounds how long a dead training worker goes
	// unnoticed (default 30s).
	TrainHeartbeatTimeout time.Duration `json:"train_heartbeat_timeout"`
	// CheckpointEvery is the shortest time between training checkpoints (default 5s).
	CheckpointEvery time.Duration `json:"checkpoint_every"`
	// Tuned, when a Tune run starts the training, says how the parameters
	// were found; the manifest records it.
	Tuned *mlctl.Tuned `json:"tuned,omitempty"`
}

// TrainModelResult is the published model with its test-split evaluation.
type TrainModelResult struct {
	Model     string          `json:"model"`
	Version   int             `json:"version"`
	SHA256    string          `json:"sha256"`
	Algo      string          `json:"algo"`
	Dataset   string          `json:"dataset"`
	Datasets  []string        `json:"datasets"`
	Metrics   mlctl.Metrics   `json:"metrics"`
	Confusion mlctl.Confusion `json:"confusion"`
	Threshold float64         `json:"threshold"`
	// ThresholdRule says how the threshold was chosen, in words ("" only in
	// results of runs recorded before it was always set: best F1 on validation).
	ThresholdRule string                 `json:"threshold_rule"`
	WorkflowID    string                 `json:"workflow_id"`
	Validation    mlctl.Metrics          `json:"validation_metrics"`
	FamilyRecall  []mlctl.FamilyRecall   `json:"family_recall"`
	TestRows      int                    `json:"test_rows"`
	Trees         int                    `json:"trees"`
	ResumedFrom   int                    `json:"resumed_from"`
	Split         activities.SplitResult `json:"split"`

	// FeatureFit is the manifest's feature_fit: "benign-only" when the
	// feature set was fitted on benign rows only, else empty.
	FeatureFit string `json:"feature_fit,omitempty"`
}

// Progress is what the progress query answers: the workflow's step and,
// during training, the training activity's own progress.
type Progress struct {
	Stage   string  `json:"stage"`           // resolve, split, train, evaluate, publish, done, failed
	Elapsed float64 `json:"elapsed_seconds"` // since the workflow started
	// Train is the training step's progress (trees or epochs).
	Train training.Progress `json:"train"`
}

// TrainModel resolves dataset versions, splits them, trains on the training
// queue (resuming from checkpoints after a worker dies), evaluates, and
// publishes one checksummed model version.
func TrainModel(ctx workflow.Context, in TrainModelInput) (*TrainModelResult, error) {
	var a *activities.Activities
	prog, err := trackProgress(ctx)
	if err != nil {
		return nil, err
	}
	control := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           ControlQueue,
		StartToCloseTimeout: 10 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2,
			MaximumInterval: 30 * time.Second, MaximumAttempts: 5},
	})
	trainCtx := trainingOptions(ctx, in.TrainHeartbeatTimeout)
	fail := func(err error) (*TrainModelResult, error) {
		prog.Stage = "failed"
		return nil, err
	}

	var ds []activities.DatasetRef
	if err := workflow.ExecuteActivity(control, a.ResolveDatasets, in.Datasets).Get(ctx, &ds); err != nil {
		return fail(err)
	}
	ids := make([]int64, len(ds))
	refs := make([]string, len(ds))
	for i, d := range ds {
		ids[i], refs[i] = d.ID, d.Ref
	}
	// Record the exact dataset versions (e.g. "dga@3") in the search attribute.
	if workflow.GetVersion(ctx, "search-resolved-datasets", workflow.DefaultVersion, 1) == 1 {
		if err := workflow.UpsertTypedSearchAttributes(ctx,
			temporal.NewSearchAttributeKeyKeyword(SearchDataset).ValueSet(strings.Join(refs, ","))); err != nil {
			return fail(err)
		}
	}

	prog.Stage = "split"
	var split activities.SplitResult
	if err := workflow.ExecuteActivity(control, a.SplitDatasets, activities.SplitInput{
		DatasetIDs: ids, Seed: in.Seed, HoldoutFamilies: in.HoldoutFamilies,
	}).Get(ctx, &split); err != nil {
		return fail(err)
	}

	prog.Stage = "train"
	wfID := workflow.GetInfo(ctx).WorkflowExecution.ID
	var trained activities.TrainResult
	if err := workflow.ExecuteActivity(trainCtx, a.Train, activities.TrainInput{
		WorkflowID: wfID, DatasetIDs: ids, SplitID: split.SplitID, Algo: in.Algo,
		FeatureSet: in.FeatureSet, Params: in.Params, Seed: in.Seed, CheckpointEvery: in.CheckpointEvery,
	}).Get(ctx, &trained); err != nil {
		return fail(err)
	}
	prog.Train.Done, prog.Train.Total, prog.Train.ETA = trained.Trees, trained.Trees, 0

	prog.Stage = "evaluate"
	ev, err := evaluateCandidate(ctx, in.Params, activities.EvaluateInput{CandidateID: trained.CandidateID, DatasetIDs: ids, SplitID: split.SplitID})
	if err != nil {
		return fail(err)
	}

	prog.Stage = "publish"
	var pub activities.PublishResult
	if err := workflow.ExecuteActivity(control, a.Publish, activities.PublishInput{
		WorkflowID: wfID, Model: in.Model, Algo: in.Algo, CandidateID: trained.CandidateID,
		Datasets: ds, Split: split, Seed: in.Seed, HoldoutFamilies: in.HoldoutFamilies,
		Params: trained.Params, Evaluation: ev, KeepVersions: keepVersions(in.Params), Tuned: in.Tuned,
	}).Get(ctx, &pub); err != nil {
		return fail(err)
	}
	prog.Stage = "done"
	return trainResult(in, wfID, refs, split, trained, ev, pub), nil
}

// keepVersions is the --param keep_versions the run was given (0: the
// registry's default).
func keepVersions(params map[string]string) int {
	spec, err := training.ParseSpec(nil, params)
	if err != nil {
		return 0
	}
	return spec.KeepVersions
}

// trackProgress answers the progress query from the step the workflow is
// on (the returned Progress, which the workflow updates) and the training
// activity's progress signals.
func trackProgress(ctx workflow.Context) (*Progress, error) {
	started := workflow.Now(ctx)
	prog := &Progress{Stage: "resolve"}
	if err := workflow.SetQueryHandler(ctx, ProgressQuery, func() (Progress, error) {
		p := *prog
		p.Elapsed = workflow.Now(ctx).Sub(started).Seconds()
		return p, nil
	}); err != nil {
		return nil, err
	}
	sig := workflow.GetSignalChannel(ctx, activities.ProgressSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var p training.Progress
			if !sig.Receive(ctx, &p) {
				return
			}
			prog.Train = p
		}
	})
	return prog, nil
}

// trainingOptions run the Train activity on the training queue, for up to
// 4 hours, retried after a worker that stops heartbeating for hbTimeout
// (default 30 s) is given up on.
func trainingOptions(ctx workflow.Context, hbTimeout time.Duration) workflow.Context {
	if hbTimeout <= 0 {
		hbTimeout = 30 * time.Second
	}
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           TrainingQueue,
		StartToCloseTimeout: 4 * time.Hour,
		HeartbeatTimeout:    hbTimeout,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2,
			MaximumInterval: time.Minute, MaximumAttempts: 10},
	})
}

// evaluateCandidate runs the Evaluate activity with the threshold rule the
// run's parameters give. Runs recorded before version 1 of
// "threshold-default-fpr" chose the best F1 unless threshold_fpr was given;
// from version 1 the default is training.DefaultThresholdFPR
// (threshold_rule=f1 asks for the best F1).
func evaluateCandidate(ctx workflow.Context, params map[string]string, in activities.EvaluateInput) (activities.EvaluateResult, error) {
	var a *activities.Activities
	evalCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue: TrainingQueue, StartToCloseTimeout: 30 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2,
			MaximumInterval: 30 * time.Second, MaximumAttempts: 5},
	})
	in.ThresholdFPR, _ = strconv.ParseFloat(params["threshold_fpr"], 64)
	if workflow.GetVersion(ctx, "threshold-default-fpr", workflow.DefaultVersion, 1) == 1 {
		var err error
		if in.ThresholdFPR, err = training.ThresholdFPR(params); err != nil { // checked by the CLI too
			return activities.EvaluateResult{}, temporal.NewNonRetryableApplicationError(err.Error(), mlctl.EINVALID, err)
		}
	}
	var ev activities.EvaluateResult
	err := workflow.ExecuteActivity(evalCtx, a.Evaluate, in).Get(ctx, &ev)
	return ev, err
}

// trainResult is what TrainModel returns: the published version with the
// test split's evaluation (the validation split's when there is no test
// part).
func trainResult(in TrainModelInput, wfID string, refs []string, split activities.SplitResult, trained activities.TrainResult,
	ev activities.EvaluateResult, pub activities.PublishResult) *TrainModelResult {
	rep := ev.Test
	if rep.Rows == 0 {
		rep = ev.Validation
	}
	return &TrainModelResult{
		Model: pub.Name, Version: pub.Version, SHA256: pub.SHA256, Algo: in.Algo,
		Dataset: strings.Join(refs, ","), Datasets: refs,
		Metrics: rep.Metrics, Confusion: rep.Confusion, Threshold: ev.Threshold, ThresholdRule: ev.ThresholdRule, WorkflowID: wfID,
		FeatureFit: pub.FeatureFit,
		Validation: ev.Validation.Metrics, FamilyRecall: rep.FamilyRecall, TestRows: rep.Rows,
		Trees: trained.Trees, ResumedFrom: trained.ResumedFrom, Split: split,
	}
}
