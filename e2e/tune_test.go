package e2e

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/workflows"
)

// TestTuneSurvivesAKilledWorkerAndATemporalRestart runs `mlctl tune
// --wait` on the real stack, kills the worker (SIGKILL) while a trial's
// fold is training, restarts the Temporal server, and starts another
// worker: the search finishes, only the killed fold ran twice, the best
// trial is published with the run in its manifest, every trial is in the
// registry, and the same seed and --parallel without faults give the same
// trials and values.
func TestTuneSurvivesAKilledWorkerAndATemporalRestart(t *testing.T) {
	s, srv := newRestartableStack(t)
	w1 := s.startWorker()
	corpus := filepath.Join(s.dir, "demo.csv")
	s.run("dataset", "generate", "--rows", "6000", "--seed", "5", "-o", corpus)
	s.run("dataset", "ingest", "demo", "--kind", "dga", "--file", corpus)
	tune := func(model string, extra ...string) []string {
		return append([]string{"tune", "--dataset", "demo", "--algo", "gbdt", "--model", model, "--seed", "3",
			"--trials", "8", "--folds", "3", "--parallel", "2", "--startup", "4",
			"--param", "max_depth=2..6", "--param", "eta=0.05..0.4:log", "--param", "rounds=60",
			"--holdout-family", "matsnu", "--wait", "--json"}, extra...)
	}
	r := s.start(tune("tuned")...)

	// Kill the worker while a fold trains.
	id := s.waitTuneFoldRunning("tune-tuned-", w1, r)
	w1.kill()
	srv.Stop()
	srv.Start()
	t.Logf("killed the worker during a TuneFold of %s and restarted Temporal", id)
	s.startWorker()

	var res workflows.TuneResult
	mustJSON(t, r.wait(8*time.Minute), &res)
	if res.RunID != id || len(res.Trials) != 8 || res.Model == nil || res.Model.Version != 1 {
		t.Fatalf("tune result: run %s, %d trials, model %+v", res.RunID, len(res.Trials), res.Model)
	}
	for _, tr := range res.Trials {
		if tr.Status != mlctl.TrialComplete && tr.Status != mlctl.TrialPruned {
			t.Fatalf("trial %d is %s (%s) after the kill", tr.Number, tr.Status, tr.Error)
		}
	}
	if res.Best.Status != mlctl.TrialComplete || res.Best.Value == nil || *res.Best.Value < 0.8 {
		t.Fatalf("best trial %+v", res.Best)
	}

	// Only the killed fold ran twice: every TuneFold scheduled once, one
	// of them started a second time.
	scheduled, retried := s.foldAttempts(id)
	if retried != 1 {
		t.Fatalf("%d TuneFold activities retried, want exactly the killed one (of %d)", retried, scheduled)
	}

	// The registry holds the run, every trial and the published model.
	run, trials, err := s.db.TuningRun(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != "done" || run.BestTrial != res.Best.Number || run.Model != "tuned" || run.ModelVersion != 1 || len(trials) != 8 {
		t.Fatalf("registry run %+v with %d trials", run, len(trials))
	}
	var shown struct {
		Manifest struct {
			Tuned struct {
				RunID      string    `json:"run_id"`
				Trial      int       `json:"trial"`
				Space      []string  `json:"space"`
				FoldValues []float64 `json:"fold_values"`
			} `json:"tuned"`
			Params map[string]string `json:"params"`
		} `json:"manifest"`
	}
	mustJSON(t, s.run("models", "show", "tuned@1", "--json"), &shown)
	man := shown.Manifest
	if man.Tuned.RunID != id || man.Tuned.Trial != res.Best.Number || len(man.Tuned.FoldValues) != 3 ||
		!slices.Equal(man.Tuned.Space, []string{"eta=0.05..0.4:log", "max_depth=2..6", "rounds=60"}) {
		t.Fatalf("manifest tuned %+v", man.Tuned)
	}
	if man.Params["max_depth"] != res.Best.Params["max_depth"] || man.Params["rounds"] != "60" {
		t.Fatalf("published params %v, best trial's %v", man.Params, res.Best.Params)
	}
	var kept int
	s.db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM checkpoints WHERE starts_with(workflow_id, $1)`, id+"/").Scan(&kept)
	if kept != 0 {
		t.Fatalf("%d fold models kept after the run", kept)
	}
	show := s.run("tune", "show", id)
	if !strings.Contains(show, "published: tuned@1") || !strings.Contains(show, "ROC_AUC") {
		t.Fatalf("tune show:\n%s", show)
	}

	// The same seed and --parallel without faults: the same trials.
	var again workflows.TuneResult
	mustJSON(t, s.run(tune("again", "--no-publish")...), &again)
	for i, tr := range res.Trials {
		a := again.Trials[i]
		if !maps.Equal(tr.Params, a.Params) || tr.Status != a.Status || !slices.Equal(tr.FoldValues, a.FoldValues) {
			t.Fatalf("trial %d differs from the uninterrupted run: %+v vs %+v", i, tr, a)
		}
	}
}

// waitTuneFoldRunning waits until a Tune workflow whose ID starts with
// prefix has a TuneFold activity running on a worker, and returns its ID;
// it fails at once if the worker or the command r exits.
func (s *stack) waitTuneFoldRunning(prefix string, w *worker, r *cliRun) string {
	s.t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		if w.exited() || r.exited() {
			s.t.Fatalf("exited before a fold ran\nworker log:\n%s\nmlctl stderr:\n%s", w.log, r.errOut.String())
		}
		resp, err := s.client.ListWorkflow(ctx, listRequest("WorkflowType = 'Tune'"))
		if err == nil {
			for _, e := range resp.Executions {
				id := e.Execution.GetWorkflowId()
				if !strings.HasPrefix(id, prefix) {
					continue
				}
				d, err := s.client.DescribeWorkflowExecution(ctx, id, "")
				if err != nil {
					continue
				}
				for _, pa := range d.PendingActivities {
					if pa.ActivityType.GetName() == "TuneFold" && pa.State == enumspb.PENDING_ACTIVITY_STATE_STARTED && d.WorkflowExecutionInfo.GetHistoryLength() > 40 {
						return id
					}
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("no TuneFold ran within 3 minutes\nworker log:\n%s", w.log)
	return ""
}

// foldAttempts counts a Tune run's TuneFold activities and those that
// started more than once.
func (s *stack) foldAttempts(id string) (scheduled, retried int) {
	s.t.Helper()
	folds := map[int64]bool{}
	it := s.client.GetWorkflowHistory(context.Background(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			s.t.Fatal(err)
		}
		if a := e.GetActivityTaskScheduledEventAttributes(); a != nil && a.ActivityType.GetName() == "TuneFold" {
			folds[e.EventId] = true
			scheduled++
		}
		if a := e.GetActivityTaskStartedEventAttributes(); a != nil && folds[a.ScheduledEventId] && a.Attempt > 1 {
			retried++
		}
	}
	return scheduled, retried
}
