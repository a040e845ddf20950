package workflows

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/gate"
	"github.com/mlctl/mlctl/ingest"
	"github.com/mlctl/mlctl/registry"
)

// retrainEnv mocks a Retrain of dga-gbdt on alias prod (champion
// dga-gbdt@1, id 1) whose challenger dga-gbdt@2 (id 2) gets the given gate
// and shadow verdicts; it records the steps and the decision.
func retrainEnv(t *testing.T, gatePassed bool, shadow gate.ShadowCheck) (*testsuite.TestWorkflowEnvironment, *[]string, *mlctl.Decision) {
	env := newEnv(t)
	var a *activities.Activities
	var steps []string
	var dec mlctl.Decision
	step := func(s string) { steps = append(steps, s) }
	env.OnActivity(a.ResolveAlias, mock.Anything, "prod").Return(activities.AliasState{Alias: "prod", Set: true, Model: activities.ModelRef{ID: 1, Ref: "dga-gbdt@1"}}, nil)
	env.OnActivity(a.IngestNewData, mock.Anything, mock.Anything).Return(func(context.Context, ingest.Feed) (activities.NewDataResult, error) {
		step("ingest")
		return activities.NewDataResult{Dataset: activities.DatasetRef{ID: 5, Ref: "dga@2"}, Files: []registry.IngestedFile{{Path: "/feed/a.csv"}}, NewRows: 10}, nil
	})
	env.RegisterWorkflow(TrainModel)
	env.OnWorkflow(TrainModel, mock.Anything, mock.MatchedBy(func(in TrainModelInput) bool {
		return len(in.Datasets) == 1 && in.Datasets[0] == "dga@2"
	})).Return(func(_ workflow.Context, in TrainModelInput) (*TrainModelResult, error) {
		step("train")
		lastTrain = in
		return &TrainModelResult{Model: "dga-gbdt", Version: 2}, nil
	})
	env.OnActivity(a.VerifyModel, mock.Anything, "dga-gbdt@2").Return(activities.ModelRef{ID: 2, Ref: "dga-gbdt@2"}, nil)
	env.OnActivity(a.GateRollout, mock.Anything, mock.Anything).Return(func(context.Context, gate.Input) (gate.Result, error) {
		step("gate")
		if !gatePassed {
			return gate.Result{Reason: "challenger worse"}, nil
		}
		return gate.Result{Passed: true, Reason: "challenger fine"}, nil
	})
	env.OnActivity(a.StartShadow, mock.Anything, mock.Anything).Return(func(context.Context, activities.ShadowInput) (registry.Shadow, error) {
		step("shadow-start")
		return registry.Shadow{ID: 3}, nil
	})
	env.OnActivity(a.CheckShadow, mock.Anything, mock.MatchedBy(func(in gate.Input) bool {
		return in.MinShadow == time.Hour && in.MinShadowScored == 100
	})).Return(func(context.Context, gate.Input) (gate.ShadowCheck, error) {
		step("shadow-check")
		return shadow, nil
	})
	env.OnActivity(a.EndShadow, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.EndShadowInput) (registry.ShadowSummary, error) {
		step("shadow-end:" + in.Outcome)
		return registry.ShadowSummary{}, nil
	})
	env.RegisterWorkflow(Rollout)
	env.OnWorkflow(Rollout, mock.Anything, mock.Anything).Return(func(_ workflow.Context, in RolloutInput) (*RolloutResult, error) {
		step("rollout:" + in.Model)
		return &RolloutResult{Alias: in.Alias, To: in.Model}, nil
	})
	env.OnActivity(a.RecordDecision, mock.Anything, mock.Anything).Return(func(_ context.Context, d mlctl.Decision) (mlctl.Decision, error) {
		step("decide:" + d.Outcome)
		dec = d
		d.ID = 1
		return d, nil
	})
	return env, &steps, &dec
}

// lastTrain is the input of the last TrainModel child retrainEnv ran.
var lastTrain TrainModelInput

func retrainInput(shadow time.Duration) RetrainInput {
	return RetrainInput{Schedule: "nightly", Alias: "prod", PromoteIfBetter: true, Shadow: shadow, MinShadowScored: 100,
		NewData: ingest.Feed{Dataset: "dga", Kind: "dga", Sources: []string{"/feed"}},
		Train:   TrainModelInput{Model: "dga-gbdt", Algo: "gbdt"}}
}

func TestRetrainShadowsThenPromotes(t *testing.T) {
	env, steps, dec := retrainEnv(t, true, gate.ShadowCheck{Passed: true, Reason: "shadowed fine"})
	env.ExecuteWorkflow(Retrain, retrainInput(time.Hour))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	want := "ingest train gate shadow-start shadow-check shadow-end:passed rollout:dga-gbdt@2 decide:promoted"
	if got := strings.Join(*steps, " "); got != want {
		t.Fatalf("steps %q, want %q", got, want)
	}
	if !strings.Contains(dec.Reason, "gate passed: challenger fine; shadowed fine") || dec.ChallengerID != 2 || dec.ChampionID != 1 || dec.DatasetID != 5 {
		t.Fatalf("decision %+v", dec)
	}
}

func TestRetrainShadowRefusalClosesShadow(t *testing.T) {
	env, steps, dec := retrainEnv(t, true, gate.ShadowCheck{Reason: "scored 0 live inputs"})
	env.ExecuteWorkflow(Retrain, retrainInput(time.Hour))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	want := "ingest train gate shadow-start shadow-check shadow-end:refused decide:refused"
	if got := strings.Join(*steps, " "); got != want {
		t.Fatalf("steps %q, want %q", got, want)
	}
	if dec.Reason != "shadow: scored 0 live inputs" {
		t.Fatalf("decision %+v", dec)
	}
}

func TestRetrainGateRefusalStops(t *testing.T) {
	env, steps, dec := retrainEnv(t, false, gate.ShadowCheck{})
	env.ExecuteWorkflow(Retrain, retrainInput(time.Hour))
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(*steps, " "); got != "ingest train gate decide:refused" {
		t.Fatalf("steps %q", got)
	}
	if dec.Reason != "gate: challenger worse" || dec.Outcome != mlctl.OutcomeRefused {
		t.Fatalf("decision %+v", dec)
	}
}

// TestRetrainTunesFirst: with Tune set, a Tune child (publishing nothing)
// searches the new version with the training's algo, model and seed, and
// the challenger trains with the best trial's parameters and the run in
// its manifest.
func TestRetrainTunesFirst(t *testing.T) {
	env, steps, _ := retrainEnv(t, false, gate.ShadowCheck{})
	var tuned TuneInput
	env.RegisterWorkflow(Tune)
	env.OnWorkflow(Tune, mock.Anything, mock.Anything).Return(func(_ workflow.Context, in TuneInput) (*TuneResult, error) {
		tuned = in
		v := 0.98
		return &TuneResult{RunID: "tune-dga-gbdt-for-x", Best: TuneTrial{Trial: mlctl.Trial{Number: 3, Params: map[string]string{"max_depth": "7", "eta": "0.11"}, Value: &v}},
			Tuned: &mlctl.Tuned{RunID: "tune-dga-gbdt-for-x", Trial: 3, Value: v}}, nil
	})
	in := retrainInput(0)
	in.Train.Seed, in.Train.Params = 9, map[string]string{"threshold_fpr": "0.01"}
	in.Tune = &TuneInput{Space: tuneInput().Space, Trials: 10, Folds: 3, Parallel: 2}
	env.ExecuteWorkflow(Retrain, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if !tuned.NoPublish || tuned.Algo != "gbdt" || tuned.Model != "dga-gbdt" || tuned.Seed != 9 || len(tuned.Datasets) != 1 || tuned.Datasets[0] != "dga@2" || tuned.Trials != 10 {
		t.Fatalf("tune child input %+v", tuned)
	}
	trained := lastTrain
	if trained.Params["max_depth"] != "7" || trained.Params["eta"] != "0.11" || trained.Params["threshold_fpr"] != "0.01" ||
		trained.Tuned == nil || trained.Tuned.Trial != 3 || in.Train.Params["max_depth"] != "" {
		t.Fatalf("challenger trained with %+v (tuned %+v); the schedule's params became %v", trained.Params, trained.Tuned, in.Train.Params)
	}
	if got := strings.Join(*steps, " "); !strings.HasPrefix(got, "ingest train gate") {
		t.Fatalf("steps %q", got)
	}
}
