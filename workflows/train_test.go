package workflows

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/training"
)

func newEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterActivity(&activities.Activities{})
	return env
}

func trainInput() TrainModelInput {
	return TrainModelInput{Model: "dga-gbdt", Datasets: []string{"dga@1"}, Algo: "gbdt", Seed: 7, HoldoutFamilies: []string{"matsnu"}}
}

func TestTrainModelRunsEveryStepInOrder(t *testing.T) {
	env := newEnv(t)
	var a *activities.Activities
	var order []string
	ds := []activities.DatasetRef{{ID: 11, Ref: "dga@1", Kind: "dga", Rows: 1000}}
	env.OnActivity(a.ResolveDatasets, mock.Anything, []string{"dga@1"}).Return(func(_ context.Context, _ []string) ([]activities.DatasetRef, error) {
		order = append(order, "resolve")
		return ds, nil
	})
	env.OnActivity(a.SplitDatasets, mock.Anything, activities.SplitInput{DatasetIDs: []int64{11}, Seed: 7, HoldoutFamilies: []string{"matsnu"}}).
		Return(func(_ context.Context, _ activities.SplitInput) (activities.SplitResult, error) {
			order = append(order, "split")
			return activities.SplitResult{SplitID: 5, Train: 800, Validation: 100, Test: 100}, nil
		})
	env.OnActivity(a.Train, mock.Anything, mock.MatchedBy(func(in activities.TrainInput) bool {
		return in.SplitID == 5 && in.Algo == "gbdt" && in.Seed == 7 && len(in.DatasetIDs) == 1 && in.WorkflowID != ""
	})).Return(func(_ context.Context, _ activities.TrainInput) (activities.TrainResult, error) {
		order = append(order, "train")
		return activities.TrainResult{CandidateID: 99, SHA256: "abc", Trees: 200, Params: map[string]string{"max_depth": "6"}}, nil
	})
	rep := mlctl.Report{Threshold: 0.4, Rows: 100, Confusion: mlctl.Confusion{TP: 45, FP: 2, TN: 48, FN: 5}, Metrics: mlctl.Metrics{AUCROC: 0.97}}
	// By default the threshold is set at a false positive rate of 0.001 on validation.
	env.OnActivity(a.Evaluate, mock.Anything, activities.EvaluateInput{CandidateID: 99, DatasetIDs: []int64{11}, SplitID: 5, ThresholdFPR: 0.001}).
		Return(func(_ context.Context, _ activities.EvaluateInput) (activities.EvaluateResult, error) {
			order = append(order, "evaluate")
			return activities.EvaluateResult{Threshold: 0.4, ThresholdRule: "false positive rate at most 0.001 on the validation split", Validation: rep, Test: rep}, nil
		})
	env.OnActivity(a.Publish, mock.Anything, mock.MatchedBy(func(in activities.PublishInput) bool {
		return in.CandidateID == 99 && in.Model == "dga-gbdt" && in.Evaluation.Threshold == 0.4 && in.Params["max_depth"] == "6"
	})).Return(func(_ context.Context, _ activities.PublishInput) (activities.PublishResult, error) {
		order = append(order, "publish")
		return activities.PublishResult{ModelID: 1, Name: "dga-gbdt", Version: 3, SHA256: "abc", Created: true}, nil
	})

	env.ExecuteWorkflow(TrainModel, trainInput())
	if !env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow failed: %v", err)
	}
	var res TrainModelResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	want := []string{"resolve", "split", "train", "evaluate", "publish"}
	if len(order) != len(want) {
		t.Fatalf("steps %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("steps %v, want %v", order, want)
		}
	}
	if res.Version != 3 || res.SHA256 != "abc" || res.Confusion.TP != 45 || res.Threshold != 0.4 || res.Dataset != "dga@1" || res.Trees != 200 ||
		res.ThresholdRule != "false positive rate at most 0.001 on the validation split" {
		t.Fatalf("unexpected result %+v", res)
	}
	v, err := env.QueryWorkflow(ProgressQuery)
	if err != nil {
		t.Fatal(err)
	}
	var p Progress
	if err := v.Get(&p); err != nil {
		t.Fatal(err)
	}
	if p.Stage != "done" || p.Train.Done != 200 {
		t.Fatalf("final progress %+v", p)
	}
}

// TestTrainModelThresholdRule: the run's --param picks the threshold rule
// Evaluate applies (threshold_fpr, or threshold_rule=f1 for the best F1),
// and a malformed one fails the run before anything is evaluated.
func TestTrainModelThresholdRule(t *testing.T) {
	for _, c := range []struct {
		params map[string]string
		want   float64
		err    string
	}{
		{params: map[string]string{"threshold_rule": "f1"}, want: 0},
		{params: map[string]string{"threshold_fpr": "0.02"}, want: 0.02},
		{params: map[string]string{"threshold_fpr": "2"}, err: "threshold_fpr=2"},
	} {
		env := newEnv(t)
		var a *activities.Activities
		env.OnActivity(a.ResolveDatasets, mock.Anything, mock.Anything).Return([]activities.DatasetRef{{ID: 1, Ref: "dga@1"}}, nil)
		env.OnActivity(a.SplitDatasets, mock.Anything, mock.Anything).Return(activities.SplitResult{SplitID: 2}, nil)
		env.OnActivity(a.Train, mock.Anything, mock.Anything).Return(activities.TrainResult{CandidateID: 3, Trees: 10}, nil)
		got := -1.0
		env.OnActivity(a.Evaluate, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.EvaluateInput) (activities.EvaluateResult, error) {
			got = in.ThresholdFPR
			return activities.EvaluateResult{Threshold: 0.5}, nil
		}).Maybe()
		env.OnActivity(a.Publish, mock.Anything, mock.Anything).Return(activities.PublishResult{Name: "m", Version: 1}, nil).Maybe()
		in := trainInput()
		in.Params = c.params
		env.ExecuteWorkflow(TrainModel, in)
		err := env.GetWorkflowError()
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || got != -1 {
				t.Errorf("%v: error %v, evaluated at %v; want an error saying %q before evaluating", c.params, err, got, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%v: evaluated at %v (%v), want %v", c.params, got, err, c.want)
		}
	}
}

func TestTrainModelStopsOnBadDataWithoutPublishing(t *testing.T) {
	env := newEnv(t)
	var a *activities.Activities
	env.OnActivity(a.ResolveDatasets, mock.Anything, mock.Anything).Return([]activities.DatasetRef{{ID: 1, Ref: "dga@1"}}, nil)
	env.OnActivity(a.SplitDatasets, mock.Anything, mock.Anything).Return(activities.SplitResult{SplitID: 2}, nil)
	env.OnActivity(a.Train, mock.Anything, mock.Anything).Return(activities.TrainResult{},
		temporal.NewNonRetryableApplicationError("training part has 0 malicious and 10 benign rows", "bad_input", errors.New("one class")))
	published := false
	env.OnActivity(a.Publish, mock.Anything, mock.Anything).Return(func(_ context.Context, _ activities.PublishInput) (activities.PublishResult, error) {
		published = true
		return activities.PublishResult{}, nil
	}).Maybe()

	env.ExecuteWorkflow(TrainModel, trainInput())
	err := env.GetWorkflowError()
	if err == nil {
		t.Fatal("workflow succeeded on one-class data")
	}
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != "bad_input" {
		t.Fatalf("error %v, want the bad_input application error", err)
	}
	if published {
		t.Fatal("published despite failed training")
	}
}

func TestTrainModelReportsTrainingProgress(t *testing.T) {
	env := newEnv(t)
	var a *activities.Activities
	env.OnActivity(a.ResolveDatasets, mock.Anything, mock.Anything).Return([]activities.DatasetRef{{ID: 1, Ref: "dga@1"}}, nil)
	env.OnActivity(a.SplitDatasets, mock.Anything, mock.Anything).Return(activities.SplitResult{SplitID: 2}, nil)
	var seen Progress
	env.OnActivity(a.Train, mock.Anything, mock.Anything).Return(func(_ context.Context, _ activities.TrainInput) (activities.TrainResult, error) {
		return activities.TrainResult{CandidateID: 3, Trees: 10}, nil
	}).After(time.Minute)
	// A progress signal arrives while the workflow waits on training.
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(activities.ProgressSignal, training.Progress{Stage: "trees", Done: 4, Total: 10, ETA: 6, ResumedFrom: 2})
	}, 10*time.Second)
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(ProgressQuery)
		if err == nil {
			v.Get(&seen)
		}
	}, 20*time.Second)
	env.OnActivity(a.Evaluate, mock.Anything, mock.Anything).Return(activities.EvaluateResult{Threshold: 0.5}, nil)
	env.OnActivity(a.Publish, mock.Anything, mock.Anything).Return(activities.PublishResult{Name: "m", Version: 1}, nil)
	env.ExecuteWorkflow(TrainModel, trainInput())
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if seen.Train.Done != 4 || seen.Train.Total != 10 || seen.Train.ResumedFrom != 2 {
		t.Fatalf("progress during training %+v, want 4/10 resumed from 2", seen)
	}
}
