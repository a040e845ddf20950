package workflows

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/gate"
	"github.com/mlctl/mlctl/ingest"
)

// RetrainInput is what a retrain schedule starts each Retrain with.
type RetrainInput struct {
	// Schedule is the schedule's NAME (`mlctl schedule create NAME`).
	Schedule string `json:"schedule"`
	// Alias is where the challenger goes live (its champion is the model
	// the alias points at when the run starts).
	Alias string `json:"alias"`
	// NewData says where new files appear and which dataset they extend.
	NewData ingest.Feed `json:"new_data"`
	// Train is how to train; its Datasets are set to the new version.
	Train TrainModelInput `json:"train"`
	// PromoteIfBetter rolls a challenger that passes the gate out to the
	// alias; without it the run stops at the gate's verdict.
	PromoteIfBetter bool `json:"promote_if_better"`
	// Shadow, when set, scores the challenger beside the champion on live
	// traffic for this long before promoting, and the gate then requires
	// MinShadowScored inputs with at most MaxDisagreement labeled
	// differently (0: no limit).
	Shadow          time.Duration `json:"shadow,omitempty"`
	MinShadowScored int64         `json:"min_shadow_scored,omitempty"`
	MaxDisagreement float64       `json:"max_disagreement,omitempty"`
	MarginAUC       float64       `json:"margin_auc,omitempty"`
	MarginRecall    float64       `json:"margin_recall,omitempty"`
	// Webhook is a URL each decision is posted to, signed (see package
	// webhook); "" for none.
	Webhook        string        `json:"webhook,omitempty"`
	ConfirmTimeout time.Duration `json:"confirm_timeout,omitempty"`
	// Tune, when set, searches the parameters on the new version first (a
	// Tune child that publishes nothing); the challenger trains with the
	// best trial's. Its datasets, algo, model, seed and held-out families
	// are the training's.
	Tune *TuneInput `json:"tune,omitempty"`
}

// RetrainResult is what a Retrain did.
type RetrainResult struct {
	Decision   mlctl.Decision            `json:"decision"`
	NewData    *activities.NewDataResult `json:"new_data,omitempty"`
	Champion   string                    `json:"champion,omitempty"`
	Challenger string                    `json:"challenger,omitempty"`
	Train      *TrainModelResult         `json:"train,omitempty"`
	Gate       *gate.Result              `json:"gate,omitempty"`
	Shadow     *gate.ShadowCheck         `json:"shadow,omitempty"`
	Rollout    *RolloutResult            `json:"rollout,omitempty"`
	Seconds    float64                   `json:"seconds"`
	WebhookErr string                    `json:"webhook_error,omitempty"`
	Steps      map[string]float64        `json:"step_seconds"`
	_          struct{}                  `json:"-"`
}

// RetrainStatus is what the status query of a Retrain answers.
type RetrainStatus struct {
	// Step is ingest, train, gate, shadow, promote, record, done or failed.
	Step string `json:"step"`
	// ShadowUntil is when the shadow ends (while Step is shadow).
	ShadowUntil time.Time     `json:"shadow_until,omitempty"`
	Result      RetrainResult `json:"result"`
}

// Retrain is one retrain of a schedule: ingest new files into the next
// dataset version, train a challenger on it (a TrainModel child, resumed
// from checkpoints if a worker dies), compare it with the alias's champion
// on the same fresh rows (the challenger's test split less what the
// champion trained on), optionally shadow it on live traffic, and promote
// it through a Rollout child if the gate passes. Every run ends in one
// recorded decision with its reason, a log line, and the webhook.
func Retrain(ctx workflow.Context, in RetrainInput) (*RetrainResult, error) {
	var a *activities.Activities
	wfID := workflow.GetInfo(ctx).WorkflowExecution.ID
	r, err := startRetrain(ctx, in)
	if err != nil {
		return nil, err
	}
	res, dec := &r.st.Result, &r.dec
	step, finish, failed := r.step, r.finish, r.failed
	control := controlOptions(ctx)

	var champ activities.AliasState
	if err := workflow.ExecuteActivity(control, a.ResolveAlias, in.Alias).Get(ctx, &champ); err != nil {
		return failed("read alias "+in.Alias, err)
	}
	if champ.Set {
		res.Champion, dec.ChampionID = champ.Model.Ref, champ.Model.ID
	}

	var nd activities.NewDataResult
	if err := workflow.ExecuteActivity(withTimeout(control, 30*time.Minute), a.IngestNewData, in.NewData).Get(ctx, &nd); err != nil {
		return failed("ingest new data", err)
	}
	res.NewData, dec.DatasetID = &nd, nd.Dataset.ID
	if len(nd.Files) == 0 && champ.Set {
		var trainedOn []string
		if err := workflow.ExecuteActivity(control, a.ModelDatasets, champ.Model.ID).Get(ctx, &trainedOn); err != nil {
			return failed("read "+champ.Model.Ref, err)
		}
		if slices.Contains(trainedOn, nd.Dataset.Ref) {
			where := "no new-data source"
			if len(in.NewData.Sources) > 0 {
				where = fmt.Sprintf("no new file in %s (%d seen, all ingested before)", strings.Join(in.NewData.Sources, ", "), nd.Seen)
			}
			return finish(mlctl.OutcomeNoNewData, fmt.Sprintf("%s and %s already trained on %s", where, champ.Model.Ref, nd.Dataset.Ref), nil)
		}
	}

	step("train")
	tr, err := trainChallenger(ctx, in, nd.Dataset.Ref, wfID)
	if err != nil {
		return failed("train", err)
	}
	res.Train = &tr
	res.Challenger = mlctl.Ref(tr.Model, tr.Version)
	var chall activities.ModelRef
	if err := workflow.ExecuteActivity(control, a.VerifyModel, res.Challenger).Get(ctx, &chall); err != nil {
		return failed("verify "+res.Challenger, err)
	}
	dec.ChallengerID = chall.ID

	reason := "first model on " + in.Alias
	if champ.Set {
		v := r.compare(champ.Model.ID, chall.ID)
		switch {
		case v.err != nil:
			return failed(v.step, v.err)
		case !v.passed:
			return finish(mlctl.OutcomeRefused, v.reason, nil)
		}
		reason = v.reason
	}
	if !in.PromoteIfBetter {
		return finish(mlctl.OutcomeNotPromoted, reason+"; not promoted: the schedule has no --promote-if-better (promote it with `mlctl promote "+res.Challenger+" --alias "+in.Alias+"`)", nil)
	}

	step("promote")
	rr, err := promoteChallenger(ctx, in, res.Challenger, champ.Set, reason, wfID)
	if err != nil {
		return failed("roll "+res.Challenger+" out to "+in.Alias, err)
	}
	res.Rollout = &rr
	return finish(mlctl.OutcomePromoted, reason, nil)
}

// retrainRun is one Retrain's bookkeeping: the status its query answers
// (with the result so far), the decision it records, and the time each
// step took.
type retrainRun struct {
	ctx                workflow.Context
	in                 RetrainInput
	st                 *RetrainStatus
	dec                mlctl.Decision
	started, stepStart time.Time
}

// startRetrain sets up a run's bookkeeping and its status query.
func startRetrain(ctx workflow.Context, in RetrainInput) (*retrainRun, error) {
	now := workflow.Now(ctx)
	r := &retrainRun{ctx: ctx, in: in, started: now, stepStart: now,
		st:  &RetrainStatus{Step: "ingest", Result: RetrainResult{Steps: map[string]float64{}}},
		dec: mlctl.Decision{Schedule: in.Schedule, Model: in.Train.Model, Alias: in.Alias}}
	if err := workflow.SetQueryHandler(ctx, StatusQuery, func() (RetrainStatus, error) { return *r.st, nil }); err != nil {
		return nil, err
	}
	return r, nil
}

// step ends the current step (adding its time) and starts the named one.
func (r *retrainRun) step(name string) {
	now := workflow.Now(r.ctx)
	r.st.Result.Steps[r.st.Step] += now.Sub(r.stepStart).Seconds()
	r.st.Step, r.stepStart = name, now
}

// finish records the decision, posts it to the webhook, and ends the run
// (with failure, when a step failed).
func (r *retrainRun) finish(outcome, reason string, failure error) (*RetrainResult, error) {
	var a *activities.Activities
	ctx, res := r.ctx, &r.st.Result
	r.step("record")
	r.dec.Outcome, r.dec.Reason = outcome, reason
	res.Seconds = workflow.Now(ctx).Sub(r.started).Seconds()
	r.dec.Detail = retrainDetail(res)
	var stored mlctl.Decision
	if err := workflow.ExecuteActivity(controlOptions(ctx), a.RecordDecision, r.dec).Get(ctx, &stored); err != nil {
		return nil, err
	}
	res.Decision = stored
	if r.in.Webhook != "" {
		hook := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			TaskQueue: ControlQueue, StartToCloseTimeout: 30 * time.Second,
			RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute, MaximumAttempts: 6},
		})
		if err := workflow.ExecuteActivity(hook, a.DeliverDecision, activities.WebhookInput{URL: r.in.Webhook, DecisionID: stored.ID}).Get(ctx, nil); err != nil {
			res.WebhookErr = rootMessage(err)
			workflow.GetLogger(ctx).Warn("retrain webhook failed", "url", r.in.Webhook, "error", res.WebhookErr)
		}
	}
	r.step("done")
	if failure != nil {
		r.st.Step = "failed"
		return nil, failure
	}
	return res, nil
}

// failed finishes a run whose step what failed with err.
func (r *retrainRun) failed(what string, err error) (*RetrainResult, error) {
	return r.finish(mlctl.OutcomeFailed, what+": "+rootMessage(err), err)
}

// verdict is how a challenger fared against the champion: passed with the
// reason, refused with the reason, or a step that failed with err.
type verdict struct {
	passed bool
	reason string
	step   string
	err    error
}

// compare gates the challenger against the champion on the same fresh rows
// and, with in.Shadow, shadows it on live traffic.
func (r *retrainRun) compare(championID, challengerID int64) verdict {
	var a *activities.Activities
	ctx, in, res := r.ctx, r.in, &r.st.Result
	r.step("gate")
	gin := gate.Input{Alias: in.Alias, ChampionID: championID, ChallengerID: challengerID,
		MarginAUC: orDefault(in.MarginAUC, activities.DefaultMarginAUC), MarginRecall: orDefault(in.MarginRecall, activities.DefaultMarginRecall)}
	var g gate.Result
	if err := workflow.ExecuteActivity(withTimeout(controlOptions(ctx), 30*time.Minute), a.GateRollout, gin).Get(ctx, &g); err != nil {
		return verdict{step: "gate", err: err}
	}
	res.Gate = &g
	if !g.Passed {
		return verdict{reason: "gate: " + g.Reason}
	}
	reason := "gate passed: " + g.Reason
	if in.Shadow > 0 {
		r.step("shadow")
		sc, err := shadow(ctx, in, gin, r.st)
		if sc != nil {
			res.Shadow = sc
		}
		if err != nil {
			return verdict{step: "shadow", err: err}
		}
		if !sc.Passed {
			return verdict{reason: "shadow: " + sc.Reason}
		}
		reason += "; " + sc.Reason
	}
	return verdict{passed: true, reason: reason}
}

// trainChallenger trains the challenger on the new dataset version in a
// TrainModel child.
func trainChallenger(ctx workflow.Context, in RetrainInput, dataset, wfID string) (TrainModelResult, error) {
	train := in.Train
	train.Datasets = []string{dataset}
	if in.Tune != nil {
		tuned, err := tuneChallenger(ctx, in, train, wfID)
		if err != nil {
			return TrainModelResult{}, err
		}
		train.Params = maps.Clone(train.Params)
		if train.Params == nil {
			train.Params = map[string]string{}
		}
		maps.Copy(train.Params, tuned.Best.Params)
		train.FeatureSet, train.Tuned = train.Params["feature_set"], tuned.Tuned
	}
	child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: "train-" + train.Model + "-for-" + wfID, TaskQueue: ControlQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(SearchModel).ValueSet(train.Model),
			temporal.NewSearchAttributeKeyKeyword(SearchAlgo).ValueSet(train.Algo),
			temporal.NewSearchAttributeKeyKeyword(SearchDataset).ValueSet(dataset)),
	})
	var tr TrainModelResult
	err := workflow.ExecuteChildWorkflow(child, TrainModel, train).Get(ctx, &tr)
	return tr, err
}

// tuneChallenger searches the challenger's parameters on its dataset in
// a Tune child that publishes nothing.
func tuneChallenger(ctx workflow.Context, in RetrainInput, train TrainModelInput, wfID string) (TuneResult, error) {
	t := *in.Tune
	t.Datasets, t.Algo, t.Model, t.Seed, t.HoldoutFamilies, t.NoPublish = train.Datasets, train.Algo, train.Model, train.Seed, train.HoldoutFamilies, true
	child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: "tune-" + train.Model + "-for-" + wfID, TaskQueue: ControlQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(SearchModel).ValueSet(train.Model),
			temporal.NewSearchAttributeKeyKeyword(SearchAlgo).ValueSet(train.Algo),
			temporal.NewSearchAttributeKeyKeyword(SearchDataset).ValueSet(strings.Join(train.Datasets, ","))),
	})
	var tr TuneResult
	err := workflow.ExecuteChildWorkflow(child, Tune, t).Get(ctx, &tr)
	return tr, err
}

// promoteChallenger rolls the challenger out to the alias in a Rollout
// child. The gate ran in the Retrain, on this run's rows: the rollout
// records its verdict (force, with the reason) instead of running it again.
func promoteChallenger(ctx workflow.Context, in RetrainInput, challenger string, hadChampion bool, reason, wfID string) (RolloutResult, error) {
	ro := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: "promote-" + in.Alias + "-for-" + wfID, TaskQueue: ControlQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(SearchAlias).ValueSet(in.Alias),
			temporal.NewSearchAttributeKeyKeyword(SearchModel).ValueSet(in.Train.Model)),
	})
	var rr RolloutResult
	err := workflow.ExecuteChildWorkflow(ro, Rollout, RolloutInput{
		Alias: in.Alias, Model: challenger, Force: hadChampion, Reason: "retrain " + wfID + ": " + reason,
		By: "schedule " + in.Schedule, ConfirmTimeout: in.ConfirmTimeout,
	}).Get(ctx, &rr)
	return rr, err
}

// shadow opens the challenger's shadow beside the champion, waits
// in.Shadow (a durable timer: a worker restart does not shorten or restart
// it), checks the shadow requirements and closes the shadow.
func shadow(ctx workflow.Context, in RetrainInput, gin gate.Input, st *RetrainStatus) (*gate.ShadowCheck, error) {
	var a *activities.Activities
	control := controlOptions(ctx)
	var sh struct {
		ID int64 `json:"id"` // of the registry's shadow row
	}
	if err := workflow.ExecuteActivity(control, a.StartShadow, activities.ShadowInput{
		Alias: in.Alias, ChampionID: gin.ChampionID, ChallengerID: gin.ChallengerID,
	}).Get(ctx, &sh); err != nil {
		return nil, err
	}
	outcome := "cancelled"
	defer func() {
		// Close the shadow whatever happens, even if this run is cancelled.
		dctx, _ := workflow.NewDisconnectedContext(ctx)
		_ = workflow.ExecuteActivity(controlOptions(dctx), a.EndShadow, activities.EndShadowInput{ShadowID: sh.ID, Outcome: outcome}).Get(dctx, nil)
	}()
	st.ShadowUntil = workflow.Now(ctx).Add(in.Shadow)
	if err := workflow.Sleep(ctx, in.Shadow); err != nil {
		return nil, err
	}
	var cur activities.AliasState
	if err := workflow.ExecuteActivity(control, a.ResolveAlias, in.Alias).Get(ctx, &cur); err != nil {
		outcome = "failed"
		return nil, err
	}
	if cur.Model.ID != gin.ChampionID {
		outcome = "refused"
		return &gate.ShadowCheck{Reason: fmt.Sprintf("%s moved to %s during the shadow; the challenger was compared with the model it replaced", in.Alias, cur.Model.Ref)}, nil
	}
	gin.MinShadow, gin.MinShadowScored, gin.MaxDisagreement = in.Shadow, in.MinShadowScored, in.MaxDisagreement
	var sc gate.ShadowCheck
	if err := workflow.ExecuteActivity(control, a.CheckShadow, gin).Get(ctx, &sc); err != nil {
		outcome = "failed"
		return nil, err
	}
	outcome = map[bool]string{true: "passed", false: "refused"}[sc.Passed]
	return &sc, nil
}

// retrainDetail is the decision's detail: the figures behind it.
func retrainDetail(res *RetrainResult) json.RawMessage {
	d := map[string]any{"seconds": res.Seconds, "step_seconds": res.Steps}
	if res.NewData != nil {
		d["dataset"], d["previous"], d["new_files"], d["new_rows"], d["bad_rows"], d["aged_rows"] =
			res.NewData.Dataset.Ref, res.NewData.Previous, len(res.NewData.Files), res.NewData.NewRows, res.NewData.Bad, res.NewData.Aged
	}
	if res.Champion != "" {
		d["champion"] = res.Champion
	}
	if res.Challenger != "" {
		d["challenger"] = res.Challenger
	}
	if res.Train != nil {
		d["train_workflow_id"], d["challenger_metrics"] = res.Train.WorkflowID, res.Train.Metrics
	}
	if res.Gate != nil {
		d["gate"] = res.Gate
	}
	if res.Shadow != nil {
		d["shadow"] = res.Shadow
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return raw
}
