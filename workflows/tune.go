package workflows

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/tuning"
)

// TuneInput is what `mlctl tune` starts a Tune workflow with.
type TuneInput struct {
	// Model is the name the best trial is published under.
	Model    string       `json:"model"`
	Datasets []string     `json:"datasets"`
	Algo     string       `json:"algo"`
	Space    tuning.Space `json:"space"`
	// Objective scores each held-out fold; Folds and Group fold the rows
	// outside the test part.
	Objective tuning.Objective `json:"objective"`
	Folds     int              `json:"folds"`
	Group     string           `json:"group"`
	Trials    int              `json:"trials"`
	// Parallel is how many trials are in flight at once (each runs its
	// folds at once on the training queue).
	Parallel int `json:"parallel"`
	// Budget stops starting trials after this long (0: no limit); the
	// trials in flight finish.
	Budget time.Duration `json:"budget"`
	Seed   uint64        `json:"seed"`
	// Startup is the random trials before the model-based sampler (0: 10).
	Startup int `json:"startup"`
	// NoHalving turns successive halving off: every trial trains its
	// full units.
	NoHalving       bool     `json:"no_halving,omitempty"`
	HoldoutFamilies []string `json:"holdout_families"`
	// FoldHeartbeatTimeout bounds how long a dead worker's fold goes
	// unnoticed (default 30s).
	FoldHeartbeatTimeout time.Duration `json:"fold_heartbeat_timeout,omitempty"`
	// NoPublish stops after the search: the best trial is not retrained.
	NoPublish bool `json:"no_publish,omitempty"`
}

// TuneTrial is a trial as the progress query and the result show it,
// and as the registry records it.
type TuneTrial struct {
	mlctl.Trial
	// gains are the trial's mean gain (larger is better) at each rung it
	// was scored at.
	gains []float64
}

// TuneProgress is what the progress query of a Tune answers.
type TuneProgress struct {
	Stage     string  `json:"stage"` // plan, search, train, done, failed
	Elapsed   float64 `json:"elapsed_seconds"`
	Objective string  `json:"objective"`
	Trials    int     `json:"trials"`
	Done      int     `json:"done"`
	Running   int     `json:"running"`
	Complete  int     `json:"complete"`
	Pruned    int     `json:"pruned"`
	Failed    int     `json:"failed"`
	// Best is the best complete trial so far.
	Best *TuneTrial `json:"best,omitempty"`
	// Rungs are the units of each rung of successive halving.
	Rungs []int `json:"rungs"`
	// BudgetSpent says --budget stopped new trials.
	BudgetSpent bool `json:"budget_spent,omitempty"`
	// Train is the best trial's retraining (stage train).
	Train *Progress `json:"train,omitempty"`
}

// TuneResult is a finished tuning run.
type TuneResult struct {
	RunID       string      `json:"run_id"`
	Objective   string      `json:"objective"`
	Trials      []TuneTrial `json:"trials"`
	Best        TuneTrial   `json:"best"`
	Rungs       []int       `json:"rungs"`
	Unit        string      `json:"unit"`
	HalvingOff  string      `json:"halving_off,omitempty"`
	BudgetSpent bool        `json:"budget_spent,omitempty"`
	Seconds     float64     `json:"seconds"`
	// Tuned is what a model trained with the best trial's parameters
	// records in its manifest.
	Tuned *mlctl.Tuned      `json:"tuned"`
	Model *TrainModelResult `json:"model,omitempty"`
}

// Tune searches the space: trials sampled by tuning.Sampler (random, then
// TPE), each trained and scored on every fold (activities on the training
// queue, so every worker of it shares the search), rung by rung with
// successive halving, at most Parallel trials in flight. Trial n is
// sampled from, and judged at each rung against, trials 0..n-lag only
// (lag = 2·Parallel−1), and starts once they have finished, so the same
// seed and parallelism give the same trials whatever the timing. Every
// trial is recorded in the registry. The best complete trial is then
// retrained on the whole training part by a TrainModel child and
// published with the run in its manifest.
func Tune(ctx workflow.Context, in TuneInput) (*TuneResult, error) {
	var a *activities.Activities
	runID := workflow.GetInfo(ctx).WorkflowExecution.ID
	started := workflow.Now(ctx)
	in = tuneDefaults(in)
	st := &tuneState{in: in, runID: runID, prog: TuneProgress{Stage: "plan", Objective: in.Objective.String(), Trials: in.Trials}}
	if err := workflow.SetQueryHandler(ctx, ProgressQuery, func() (TuneProgress, error) {
		p := st.prog
		p.Elapsed = workflow.Now(ctx).Sub(started).Seconds()
		return p, nil
	}); err != nil {
		return nil, err
	}
	control := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue: ControlQueue, StartToCloseTimeout: 10 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second},
	})
	st.control = control
	res, err := st.run(ctx, started)
	if err != nil {
		st.prog.Stage = "failed"
		if st.planned {
			dctx, _ := workflow.NewDisconnectedContext(control)
			_ = workflow.ExecuteActivity(dctx, a.FinishTuning, activities.FinishTuningInput{
				RunID: runID, Status: "failed", BestTrial: st.bestNumber(), Error: err.Error()}).Get(dctx, nil)
		}
		return nil, err
	}
	st.prog.Stage = "done"
	return res, nil
}

// tuneDefaults fills what `mlctl tune` leaves to the workflow.
func tuneDefaults(in TuneInput) TuneInput {
	if in.Folds < 2 {
		in.Folds = 5
	}
	if in.Parallel < 1 {
		in.Parallel = 1
	}
	if in.Group == "" {
		in.Group = string(tuning.ByFamily)
	}
	if in.Objective.Name == "" {
		in.Objective = tuning.DefaultObjective
	}
	return in
}

// tuneState is a Tune run's state: its plan and trials.
type tuneState struct {
	in      TuneInput
	runID   string
	control workflow.Context
	planned bool
	plan    activities.TuningPlan
	ds      []activities.DatasetRef
	split   activities.SplitResult
	trials  []*TuneTrial
	prog    TuneProgress
	// records queue trial records for the registry (startRecorder).
	records workflow.Channel
}

func (st *tuneState) run(ctx workflow.Context, started time.Time) (*TuneResult, error) {
	var a *activities.Activities
	in := st.in
	if err := workflow.ExecuteActivity(st.control, a.ResolveDatasets, in.Datasets).Get(ctx, &st.ds); err != nil {
		return nil, err
	}
	refs := make([]string, len(st.ds))
	ids := make([]int64, len(st.ds))
	for i, d := range st.ds {
		refs[i], ids[i] = d.Ref, d.ID
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx,
		temporal.NewSearchAttributeKeyKeyword(SearchDataset).ValueSet(strings.Join(refs, ","))); err != nil {
		return nil, err
	}
	if err := workflow.ExecuteActivity(st.control, a.SplitDatasets, activities.SplitInput{
		DatasetIDs: ids, Seed: in.Seed, HoldoutFamilies: in.HoldoutFamilies,
	}).Get(ctx, &st.split); err != nil {
		return nil, err
	}
	spec, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	if err := workflow.ExecuteActivity(st.control, a.PlanTuning, activities.PlanTuningInput{
		RunID: st.runID, Algo: in.Algo, Datasets: refs, Space: in.Space, Halving: !in.NoHalving, Spec: spec,
	}).Get(ctx, &st.plan); err != nil {
		return nil, err
	}
	st.planned = true
	st.prog.Rungs = st.plan.Halving.Rungs
	st.prog.Stage = "search"

	if err := st.search(ctx, started, ids); err != nil {
		return nil, err
	}
	best := st.best()
	if best == nil {
		return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf("no trial of %d completed: %s", len(st.trials), st.firstError()), mlctl.EINVALID, nil)
	}
	res := &TuneResult{RunID: st.runID, Objective: in.Objective.String(), Best: *best, Rungs: st.plan.Halving.Rungs,
		Unit: st.plan.Unit, HalvingOff: st.plan.HalvingOff, BudgetSpent: st.prog.BudgetSpent, Tuned: st.tuned(best)}
	for _, t := range st.trials {
		res.Trials = append(res.Trials, *t)
	}
	model, version := "", 0
	if !in.NoPublish {
		st.prog.Stage = "train"
		tr, err := st.retrain(ctx, refs, best, res.Tuned)
		if err != nil {
			return nil, err
		}
		res.Model = &tr
		model, version = tr.Model, tr.Version
	}
	if err := workflow.ExecuteActivity(st.control, a.FinishTuning, activities.FinishTuningInput{
		RunID: st.runID, Status: "done", BestTrial: best.Number, Model: model, Version: version}).Get(ctx, nil); err != nil {
		return nil, err
	}
	res.Seconds = workflow.Now(ctx).Sub(started).Seconds()
	return res, nil
}

// lag is how many trials back a trial's sampler and rungs look: trial n
// learns from trials 0..n-lag.
func (st *tuneState) lag() int { return 2*st.in.Parallel - 1 }

// search runs the trials, at most Parallel in flight.
func (st *tuneState) search(ctx workflow.Context, started time.Time, ids []int64) error {
	in := st.in
	sampler := tuning.Sampler{Space: in.Space, Seed: in.Seed, Startup: in.Startup}
	stored := st.startRecorder(ctx)
	finished := workflow.NewChannel(ctx)
	running := 0
	next := 0
	for {
		for running < in.Parallel && next < in.Trials && st.known(next) {
			if in.Budget > 0 && workflow.Now(ctx).Sub(started) >= in.Budget {
				st.prog.BudgetSpent = true
				break
			}
			t := &TuneTrial{Trial: mlctl.Trial{RunID: st.runID, Number: next, Params: sampler.Sample(next, st.history(next)), Status: mlctl.TrialRunning}}
			st.trials = append(st.trials, t)
			running++
			next++
			st.prog.Running = running
			workflow.Go(ctx, func(ctx workflow.Context) {
				st.runTrial(ctx, t, ids)
				finished.Send(ctx, t.Number)
			})
		}
		if running == 0 {
			st.records.Close()
			stored.Receive(ctx, nil)
			return nil
		}
		finished.Receive(ctx, nil)
		running--
		st.prog.Running = running
		st.count()
		workflow.SetCurrentDetails(ctx, st.details())
	}
}

// known says whether every trial trial n learns from has finished.
func (st *tuneState) known(n int) bool {
	for m := 0; m <= n-st.lag() && m < len(st.trials); m++ {
		if st.trials[m].Status == mlctl.TrialRunning {
			return false
		}
	}
	return n-st.lag() < len(st.trials)
}

// history is what the sampler learns from for trial n.
func (st *tuneState) history(n int) []tuning.Observation {
	var out []tuning.Observation
	for m := 0; m <= n-st.lag(); m++ {
		t := st.trials[m]
		if t.Status == mlctl.TrialFailed || len(t.gains) == 0 {
			continue
		}
		out = append(out, tuning.Observation{Params: t.Params, Value: t.gains[len(t.gains)-1], Pruned: t.Status == mlctl.TrialPruned})
	}
	return out
}

// earlier are the gains at rung r of the trials trial n is judged against.
func (st *tuneState) earlier(n, r int) []float64 {
	var out []float64
	for m := 0; m <= n-st.lag(); m++ {
		if g := st.trials[m].gains; len(g) > r {
			out = append(out, g[r])
		}
	}
	return out
}

// runTrial trains and scores a trial rung by rung until halving stops it
// or its last rung is scored, recording it as it goes.
func (st *tuneState) runTrial(ctx workflow.Context, t *TuneTrial, ids []int64) {
	var a *activities.Activities
	in := st.in
	st.record(ctx, t)
	rungs := st.plan.Halving.Rungs
	for r, units := range rungs {
		params := maps.Clone(t.Params)
		if len(rungs) > 1 {
			params[st.plan.UnitParam] = strconv.Itoa(units)
		} else if n, err := strconv.Atoi(params[st.plan.UnitParam]); err == nil {
			units = n // the space searches the units: the trial's own count
		}
		futures := make([]workflow.Future, in.Folds)
		for f := range in.Folds {
			fctx := workflow.WithActivityOptions(ctx, st.foldOptions(t, r, f, units))
			futures[f] = workflow.ExecuteActivity(fctx, a.TuneFold, activities.TuneFoldInput{
				RunID: st.runID, Trial: t.Number, Rung: r, Fold: f, Folds: in.Folds, Group: in.Group, Seed: in.Seed,
				DatasetIDs: ids, SplitID: st.split.SplitID, Algo: in.Algo, Params: params, Units: units, Objective: in.Objective,
				Last: r == len(rungs)-1,
			})
		}
		var values []float64
		var errs []string
		for _, fu := range futures {
			var fr activities.TuneFoldResult
			if err := fu.Get(ctx, &fr); err != nil {
				errs = append(errs, err.Error())
				continue
			}
			t.Seconds += fr.Seconds
			if !slices.Contains(t.Workers, fr.Worker) {
				t.Workers = append(t.Workers, fr.Worker)
			}
			if fr.Scored {
				values = append(values, fr.Value)
			}
		}
		t.Rung, t.Units, t.FoldValues = r, units, values
		if len(errs) > 0 || len(values) == 0 {
			t.Status, t.Value = mlctl.TrialFailed, nil
			t.Error = "no fold had both classes to score"
			if len(errs) > 0 {
				t.Error = errs[0]
			}
			st.record(ctx, t)
			return
		}
		v := tuning.Mean(values)
		t.Value = &v
		t.gains = append(t.gains, in.Objective.Gain(v))
		switch {
		case r == len(rungs)-1:
			t.Status = mlctl.TrialComplete
		case !st.plan.Halving.Continue(r, t.gains[r], st.earlier(t.Number, r)):
			t.Status = mlctl.TrialPruned
		}
		st.record(ctx, t)
		if t.Status != mlctl.TrialRunning {
			return
		}
	}
}

// foldOptions run a fold on the training queue; the web UI shows which
// trial, fold and rung each activity is.
func (st *tuneState) foldOptions(t *TuneTrial, r, f, units int) workflow.ActivityOptions {
	hb := st.in.FoldHeartbeatTimeout
	if hb <= 0 {
		hb = 30 * time.Second
	}
	return workflow.ActivityOptions{
		TaskQueue: TrainingQueue, StartToCloseTimeout: 4 * time.Hour, HeartbeatTimeout: hb,
		Summary: fmt.Sprintf("trial %d fold %d/%d rung %d (%d %s): %s", t.Number, f+1, st.in.Folds, r, units, st.plan.Unit, st.searched(t)),
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2,
			MaximumInterval: time.Minute, MaximumAttempts: 10},
	}
}

// searched writes the trial's values of the searched parameters, k=v in
// name order.
func (st *tuneState) searched(t *TuneTrial) string {
	var ps []string
	for _, p := range st.in.Space.Params {
		if !p.Fixed() {
			ps = append(ps, p.Name+"="+t.Params[p.Name])
		}
	}
	return strings.Join(ps, " ")
}

// record queues the trial as it stands for the registry; trials go on
// without waiting for it.
func (st *tuneState) record(ctx workflow.Context, t *TuneTrial) {
	r := t.Trial
	r.FoldValues, r.Workers = slices.Clone(r.FoldValues), slices.Clone(r.Workers)
	st.records.Send(ctx, r)
}

// startRecorder stores the queued trial records one at a time, in the
// order they were queued; the returned channel gets a value once the
// queue is closed and stored.
func (st *tuneState) startRecorder(ctx workflow.Context) workflow.Channel {
	var a *activities.Activities
	// Every record of every trial fits: one as it starts, one a rung.
	st.records = workflow.NewBufferedChannel(ctx, st.in.Trials*(len(st.plan.Halving.Rungs)+1)+1)
	stored := workflow.NewChannel(ctx)
	workflow.Go(ctx, func(ctx workflow.Context) {
		var r mlctl.Trial
		for st.records.Receive(ctx, &r) {
			if err := workflow.ExecuteActivity(st.control, a.RecordTrial, r).Get(ctx, nil); err != nil {
				workflow.GetLogger(ctx).Warn("record trial", "trial", r.Number, "error", err)
			}
		}
		stored.Send(ctx, true)
	})
	return stored
}

// count updates the progress counters and the best trial.
func (st *tuneState) count() {
	p := &st.prog
	p.Done, p.Complete, p.Pruned, p.Failed = 0, 0, 0, 0
	for _, t := range st.trials {
		switch t.Status {
		case mlctl.TrialComplete:
			p.Complete++
		case mlctl.TrialPruned:
			p.Pruned++
		case mlctl.TrialFailed:
			p.Failed++
		default:
			continue
		}
		p.Done++
	}
	if b := st.best(); b != nil {
		c := *b
		p.Best = &c
	}
}

// details is the web UI's "current details" of the run: the counts and
// the five best complete trials, in Markdown.
func (st *tuneState) details() string {
	p := st.prog
	var b strings.Builder
	fmt.Fprintf(&b, "**%d of %d trials done**: %d complete, %d pruned, %d failed, %d running\n\n", p.Done, p.Trials, p.Complete, p.Pruned, p.Failed, p.Running)
	var done []*TuneTrial
	for _, t := range st.trials {
		if t.Status == mlctl.TrialComplete && t.Value != nil {
			done = append(done, t)
		}
	}
	slices.SortStableFunc(done, func(a, b *TuneTrial) int {
		switch {
		case st.in.Objective.Better(*a.Value, *b.Value):
			return -1
		case st.in.Objective.Better(*b.Value, *a.Value):
			return 1
		}
		return 0
	})
	if len(done) == 0 {
		return b.String()
	}
	fmt.Fprintf(&b, "| trial | %s | parameters |\n|---|---|---|\n", st.in.Objective)
	for _, t := range done[:min(5, len(done))] {
		fmt.Fprintf(&b, "| %d | %.4f | %s |\n", t.Number, *t.Value, st.searched(t))
	}
	return b.String()
}

// best is the complete trial with the best value (the lowest number among
// equals).
func (st *tuneState) best() *TuneTrial {
	var best *TuneTrial
	for _, t := range st.trials {
		if t.Status != mlctl.TrialComplete || t.Value == nil {
			continue
		}
		if best == nil || st.in.Objective.Better(*t.Value, *best.Value) {
			best = t
		}
	}
	return best
}

func (st *tuneState) bestNumber() int {
	if b := st.best(); b != nil {
		return b.Number
	}
	return -1
}

// firstError is the first failed trial's error.
func (st *tuneState) firstError() string {
	for _, t := range st.trials {
		if t.Error != "" {
			return fmt.Sprintf("trial %d: %s", t.Number, t.Error)
		}
	}
	return "no trial ran"
}

// tuned is what a model trained with best's parameters records.
func (st *tuneState) tuned(best *TuneTrial) *mlctl.Tuned {
	in := st.in
	done := 0
	for _, t := range st.trials {
		if t.Status != mlctl.TrialRunning {
			done++
		}
	}
	return &mlctl.Tuned{RunID: st.runID, Space: in.Space.Specs(), Objective: in.Objective.String(), Folds: in.Folds, Group: in.Group,
		Trial: best.Number, Value: *best.Value, FoldValues: best.FoldValues, Trials: done}
}

// retrain trains the best trial's parameters on the whole training part
// in a TrainModel child and publishes it with the run in its manifest.
func (st *tuneState) retrain(ctx workflow.Context, refs []string, best *TuneTrial, tuned *mlctl.Tuned) (TrainModelResult, error) {
	in := st.in
	child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: st.runID + "-train", TaskQueue: ControlQueue,
		StaticSummary: fmt.Sprintf("retrain trial %d of %s", best.Number, st.runID),
		TypedSearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(SearchModel).ValueSet(in.Model),
			temporal.NewSearchAttributeKeyKeyword(SearchAlgo).ValueSet(in.Algo),
			temporal.NewSearchAttributeKeyKeyword(SearchDataset).ValueSet(strings.Join(refs, ","))),
	})
	train := TrainModelInput{
		Model: in.Model, Datasets: refs, Algo: in.Algo, FeatureSet: best.Params["feature_set"], Params: maps.Clone(best.Params),
		HoldoutFamilies: in.HoldoutFamilies, Seed: in.Seed, Tuned: tuned,
	}
	fut := workflow.ExecuteChildWorkflow(child, TrainModel, train)
	var tr TrainModelResult
	err := fut.Get(ctx, &tr)
	return tr, err
}

// MaxTrials bounds a run's trials: its history holds every fold of every
// rung (about 3 events each), well under Temporal's 50,000 events at 500
// trials of 5 folds.
const MaxTrials = 500
