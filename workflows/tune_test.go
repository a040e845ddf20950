package workflows

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/tuning"
)

// tuneEnv is a Tune under the test environment: resolve, split and plan
// answer at once; each fold's value is a function of the trial's
// parameters, fold and units, and takes the real time delay gives it, so
// folds finish in an order that differs from run to run.
type tuneEnv struct {
	env *testsuite.TestWorkflowEnvironment

	mu          sync.Mutex
	inFlight    map[int]int // trial → folds running
	maxInFlight int         // most trials with a fold running at once
	trains      []TrainModelInput
	finished    []activities.FinishTuningInput
}

func tuneInput() TuneInput {
	space, err := tuning.ParseSpace([]string{"eta=0.01..0.5:log", "max_depth=2..10", "rounds=90"})
	if err != nil {
		panic(err)
	}
	return TuneInput{Model: "dga-gbdt", Datasets: []string{"dga"}, Algo: "gbdt", Space: space, Objective: tuning.DefaultObjective,
		Folds: 3, Group: "family", Trials: 16, Parallel: 2, Seed: 5, Startup: 4, HoldoutFamilies: []string{"matsnu"}}
}

// foldValue is a smooth objective, best at eta 0.1 and depth 6, a little
// better with more units, and different on each fold.
func foldValue(in activities.TuneFoldInput) float64 {
	eta, _ := strconv.ParseFloat(in.Params["eta"], 64)
	depth, _ := strconv.Atoi(in.Params["max_depth"])
	l := math.Log10(eta) + 1
	return 0.99 - 0.05*l*l - 0.002*float64((depth-6)*(depth-6)) - 0.1/float64(in.Units) + 0.001*float64(in.Fold)
}

// foldMock says how the mocked folds behave: delay gives each its real
// running time, took its workflow time, fail (if set) its error.
type foldMock struct {
	delay func(activities.TuneFoldInput) time.Duration
	took  time.Duration
	fail  func(activities.TuneFoldInput) error
}

// newTuneEnv mocks Tune's activities, as fm says for the folds, and its
// TrainModel child.
func newTuneEnv(fm foldMock) *tuneEnv {
	delay, fail := fm.delay, fm.fail
	var s testsuite.WorkflowTestSuite
	te := &tuneEnv{env: s.NewTestWorkflowEnvironment(), inFlight: map[int]int{}}
	env := te.env
	env.RegisterActivity(&activities.Activities{})
	env.RegisterWorkflow(TrainModel)
	var a *activities.Activities
	env.OnActivity(a.ResolveDatasets, mock.Anything, []string{"dga"}).Return([]activities.DatasetRef{{ID: 11, Ref: "dga@2", Kind: "dga"}}, nil)
	env.OnActivity(a.SplitDatasets, mock.Anything, activities.SplitInput{DatasetIDs: []int64{11}, Seed: 5, HoldoutFamilies: []string{"matsnu"}}).
		Return(activities.SplitResult{SplitID: 3, Train: 800, Validation: 100, Test: 100}, nil)
	env.OnActivity(a.PlanTuning, mock.Anything, mock.MatchedBy(func(in activities.PlanTuningInput) bool {
		return in.Algo == "gbdt" && in.Halving && in.Datasets[0] == "dga@2" && len(in.Spec) > 0
	})).Return(activities.TuningPlan{UnitParam: "rounds", Unit: "trees", Halving: tuning.Halving{Rungs: []int{10, 30, 90}, Eta: 3}}, nil)
	env.OnActivity(a.TuneFold, mock.Anything, mock.Anything).After(fm.took).Return(func(_ context.Context, in activities.TuneFoldInput) (activities.TuneFoldResult, error) {
		if in.Params["rounds"] != strconv.Itoa(in.Units) || in.SplitID != 3 || in.DatasetIDs[0] != 11 || in.Folds != 3 || in.Seed == 0 {
			return activities.TuneFoldResult{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("fold input %+v", in), "test", nil)
		}
		te.mu.Lock()
		te.inFlight[in.Trial]++
		te.maxInFlight = max(te.maxInFlight, len(te.inFlight))
		te.mu.Unlock()
		if delay != nil {
			time.Sleep(delay(in))
		}
		te.mu.Lock()
		if te.inFlight[in.Trial]--; te.inFlight[in.Trial] == 0 {
			delete(te.inFlight, in.Trial)
		}
		te.mu.Unlock()
		if fail != nil {
			if err := fail(in); err != nil {
				return activities.TuneFoldResult{}, err
			}
		}
		return activities.TuneFoldResult{Value: foldValue(in), Scored: true, Seconds: 1, Worker: "w" + strconv.Itoa(in.Fold%2)}, nil
	})
	env.OnActivity(a.RecordTrial, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(a.FinishTuning, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.FinishTuningInput) error {
		te.finished = append(te.finished, in)
		return nil
	})
	env.OnWorkflow(TrainModel, mock.Anything, mock.Anything).Return(func(_ workflow.Context, in TrainModelInput) (*TrainModelResult, error) {
		te.trains = append(te.trains, in)
		return &TrainModelResult{Model: in.Model, Version: 4, SHA256: "beef"}, nil
	})
	return te
}

func (te *tuneEnv) run(t *testing.T, in TuneInput) *TuneResult {
	t.Helper()
	te.env.ExecuteWorkflow(Tune, in)
	if !te.env.IsWorkflowCompleted() {
		t.Fatal("Tune did not complete")
	}
	if err := te.env.GetWorkflowError(); err != nil {
		t.Fatalf("Tune failed: %v", err)
	}
	var res TuneResult
	if err := te.env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	return &res
}

// TestTuneTrialsDoNotDependOnTiming: folds finishing in another order give
// the same trials, values and pruning; at most Parallel trials are in
// flight; halving stops some trials at an early rung; the best complete
// trial is retrained with the run in its manifest.
func TestTuneTrialsDoNotDependOnTiming(t *testing.T) {
	in := tuneInput()
	var runs [2]*TuneResult
	for i := range runs {
		te := newTuneEnv(foldMock{delay: func(f activities.TuneFoldInput) time.Duration {
			// Run 0: later folds finish first; run 1: earlier ones.
			d := f.Fold*2 + f.Trial%3
			if i == 1 {
				d = 6 - d
			}
			return time.Duration(d) * time.Millisecond
		}})
		runs[i] = te.run(t, in)
		if te.maxInFlight > in.Parallel {
			t.Fatalf("%d trials in flight at once, --parallel %d", te.maxInFlight, in.Parallel)
		}
		if len(te.trains) != 1 || len(te.finished) != 1 {
			t.Fatalf("%d retrains, %d finishes", len(te.trains), len(te.finished))
		}
		tr, best := te.trains[0], runs[i].Best
		if tr.Params["eta"] != best.Params["eta"] || tr.Params["rounds"] != "90" || tr.Datasets[0] != "dga@2" || tr.Seed != 5 ||
			tr.Tuned == nil || tr.Tuned.Trial != best.Number || tr.Tuned.Trials != 16 || tr.Tuned.Objective != "roc_auc" {
			t.Fatalf("retrained %+v (tuned %+v) for best %+v", tr, tr.Tuned, best)
		}
		if f := te.finished[0]; f.Status != "done" || f.BestTrial != best.Number || f.Model != "dga-gbdt" || f.Version != 4 {
			t.Fatalf("finished %+v", f)
		}
	}
	a, b := runs[0], runs[1]
	pruned := 0
	for n := range a.Trials {
		x, y := a.Trials[n], b.Trials[n]
		if fmt.Sprint(x.Params) != fmt.Sprint(y.Params) || x.Status != y.Status || x.Units != y.Units || fmt.Sprint(x.FoldValues) != fmt.Sprint(y.FoldValues) {
			t.Fatalf("trial %d differs with other timing:\n%+v\n%+v", n, x, y)
		}
		if x.Status == mlctl.TrialPruned {
			pruned++
			if x.Units == 90 {
				t.Fatalf("trial %d pruned at its last rung", n)
			}
		}
	}
	if pruned == 0 || pruned > 12 {
		t.Fatalf("%d of 16 trials pruned", pruned)
	}
	for _, tr := range a.Trials {
		if tr.Status == mlctl.TrialComplete && *tr.Value > *a.Best.Value {
			t.Fatalf("trial %d (%.4f) beats the best %d (%.4f)", tr.Number, *tr.Value, a.Best.Number, *a.Best.Value)
		}
	}
	t.Logf("best trial %d: %v = %.4f; %d pruned", a.Best.Number, a.Best.Params, *a.Best.Value, pruned)
}

// TestTuneSeedChangesTrials: another seed samples other parameters.
func TestTuneSeedChangesTrials(t *testing.T) {
	in := tuneInput()
	in.Trials = 2
	a := newTuneEnv(foldMock{}).run(t, in)
	in.Seed = 6
	te := newTuneEnv(foldMock{})
	var acts *activities.Activities
	te.env.OnActivity(acts.SplitDatasets, mock.Anything, mock.Anything).Return(activities.SplitResult{SplitID: 3}, nil)
	b := te.run(t, in)
	if fmt.Sprint(a.Trials[0].Params) == fmt.Sprint(b.Trials[0].Params) {
		t.Fatalf("seeds 5 and 6 both sampled %v first", a.Trials[0].Params)
	}
}

// TestTuneBudgetStopsNewTrials: past --budget no trial starts; those in
// flight finish every rung.
func TestTuneBudgetStopsNewTrials(t *testing.T) {
	in := tuneInput()
	in.Budget = 3 * time.Minute
	res := newTuneEnv(foldMock{took: time.Minute}).run(t, in)
	if !res.BudgetSpent || len(res.Trials) >= in.Trials || len(res.Trials) < 2 {
		t.Fatalf("budget spent %v after %d of %d trials", res.BudgetSpent, len(res.Trials), in.Trials)
	}
	for _, tr := range res.Trials {
		if tr.Status == mlctl.TrialRunning {
			t.Fatalf("trial %d left running", tr.Number)
		}
	}
}

// TestTuneFailedFoldFailsItsTrialOnly: a fold's final error fails that
// trial, recorded with the error; the search goes on and publishes.
func TestTuneFailedFoldFailsItsTrialOnly(t *testing.T) {
	in := tuneInput()
	in.Trials = 6
	te := newTuneEnv(foldMock{fail: func(f activities.TuneFoldInput) error {
		if f.Trial == 2 && f.Fold == 1 {
			return temporal.NewNonRetryableApplicationError("train: max_depth too deep for this data", mlctl.EINVALID, errors.New("x"))
		}
		return nil
	}})
	res := te.run(t, in)
	if tr := res.Trials[2]; tr.Status != mlctl.TrialFailed || tr.Value != nil || tr.Error == "" {
		t.Fatalf("trial 2: %+v", tr)
	}
	if res.Best.Number == 2 || res.Model == nil {
		t.Fatalf("best %d, model %+v", res.Best.Number, res.Model)
	}
}

// TestTuneEveryTrialFailing fails the run, recorded as failed with the
// first trial's error.
func TestTuneEveryTrialFailing(t *testing.T) {
	in := tuneInput()
	in.Trials = 3
	te := newTuneEnv(foldMock{fail: func(activities.TuneFoldInput) error {
		return temporal.NewNonRetryableApplicationError("train: training part has 0 malicious rows", mlctl.EINVALID, errors.New("x"))
	}})
	te.env.ExecuteWorkflow(Tune, in)
	err := te.env.GetWorkflowError()
	if err == nil || len(te.finished) != 1 || te.finished[0].Status != "failed" || te.finished[0].BestTrial != -1 {
		t.Fatalf("error %v, finished %+v", err, te.finished)
	}
}
