package registry_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestCreateTuningRunIsIdempotent: a retried PlanTuning records the run
// again; the first spec stays.
func TestCreateTuningRunIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	first := registry.TuningRun{ID: "tune-a", Algo: "gbdt", Datasets: []string{"dga@3", "extra@1"}, Spec: json.RawMessage(`{"trials": 20}`)}
	if err := db.CreateTuningRun(ctx, first); err != nil {
		t.Fatal(err)
	}
	again := registry.TuningRun{ID: "tune-a", Algo: "rf", Datasets: []string{"other@1"}, Spec: json.RawMessage(`{"trials": 99}`)}
	if err := db.CreateTuningRun(ctx, again); err != nil {
		t.Fatalf("a second CreateTuningRun: %v", err)
	}
	r, trials, err := db.TuningRun(ctx, "tune-a")
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]int
	if err := json.Unmarshal(r.Spec, &spec); err != nil || spec["trials"] != 20 {
		t.Errorf("spec %s (%v), want the first one's trials 20", r.Spec, err)
	}
	if r.ID != "tune-a" || r.Algo != "gbdt" || !slices.Equal(r.Datasets, first.Datasets) || r.Status != "running" ||
		r.BestTrial != -1 || r.Model != "" || r.ModelVersion != 0 || r.Error != "" || r.FinishedAt != nil || r.CreatedAt.IsZero() {
		t.Errorf("run %+v", r)
	}
	if len(trials) != 0 {
		t.Errorf("%d trials of a new run", len(trials))
	}
	if err := db.CreateTuningRun(ctx, registry.TuningRun{ID: "tune-b", Algo: "gbdt", Spec: json.RawMessage(`{}`)}); err != nil {
		t.Fatalf("a run without datasets: %v", err)
	}
	if r, _, err := db.TuningRun(ctx, "tune-b"); err != nil || r.Datasets == nil || len(r.Datasets) != 0 {
		t.Errorf("run without datasets: %+v %v", r, err)
	}
}

// TestRecordTrialInsertsThenUpdates: a trial is stored as it stands, each
// record replacing the last; it is finished once it leaves running, and
// keeps its first finish time.
func TestRecordTrialInsertsThenUpdates(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	if err := db.CreateTuningRun(ctx, registry.TuningRun{ID: "tune-1", Algo: "gbdt", Datasets: []string{"dga@1"}, Spec: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
	params := map[string]string{"max_depth": "6", "eta": "0.1"}
	running := mlctl.Trial{RunID: "tune-1", Number: 0, Params: params, Status: mlctl.TrialRunning}
	if err := db.RecordTrial(ctx, running); err != nil {
		t.Fatal(err)
	}
	got := trial(t, db, "tune-1", 0)
	if got.Status != mlctl.TrialRunning || got.Value != nil || got.FoldValues == nil || len(got.FoldValues) != 0 ||
		got.Workers == nil || len(got.Workers) != 0 || got.FinishedAt != nil || got.StartedAt.IsZero() || !maps.Equal(got.Params, params) {
		t.Fatalf("a running trial read back as %+v", got)
	}
	started := got.StartedAt

	v := 0.91
	rung0 := running
	rung0.Rung, rung0.Units, rung0.Value, rung0.FoldValues, rung0.Seconds, rung0.Workers =
		0, 11, &v, []float64{0.9, 0.92}, 3.5, []string{"w1:10", "w2:20"}
	if err := db.RecordTrial(ctx, rung0); err != nil {
		t.Fatal(err)
	}
	got = trial(t, db, "tune-1", 0)
	if got.Status != mlctl.TrialRunning || got.Units != 11 || got.Value == nil || *got.Value != 0.91 ||
		!slices.Equal(got.FoldValues, []float64{0.9, 0.92}) || got.Seconds != 3.5 ||
		!slices.Equal(got.Workers, []string{"w1:10", "w2:20"}) || got.FinishedAt != nil || !got.StartedAt.Equal(started) {
		t.Fatalf("after rung 0: %+v", got)
	}

	v2 := 0.88
	pruned := rung0
	pruned.Status, pruned.Rung, pruned.Units, pruned.Value, pruned.FoldValues, pruned.Seconds, pruned.Workers =
		mlctl.TrialPruned, 1, 33, &v2, []float64{0.87, 0.89}, 9, []string{"w1:10", "w2:20", "w3:30"}
	if err := db.RecordTrial(ctx, pruned); err != nil {
		t.Fatal(err)
	}
	got = trial(t, db, "tune-1", 0)
	if got.Status != mlctl.TrialPruned || got.Rung != 1 || got.Units != 33 || got.Value == nil || *got.Value != 0.88 ||
		!slices.Equal(got.FoldValues, []float64{0.87, 0.89}) || got.Seconds != 9 || len(got.Workers) != 3 || got.FinishedAt == nil {
		t.Fatalf("pruned: %+v", got)
	}
	finished := *got.FinishedAt
	if finished.Before(started) {
		t.Errorf("finished %v before it started %v", finished, started)
	}

	time.Sleep(10 * time.Millisecond)
	failed := pruned
	failed.Status, failed.Value, failed.Error = mlctl.TrialFailed, nil, "fold 2: out of memory"
	if err := db.RecordTrial(ctx, failed); err != nil {
		t.Fatal(err)
	}
	got = trial(t, db, "tune-1", 0)
	if got.Status != mlctl.TrialFailed || got.Value != nil || got.Error != "fold 2: out of memory" || got.FinishedAt == nil || !got.FinishedAt.Equal(finished) {
		t.Fatalf("recorded again after finishing: %+v, want finished_at kept at %v", got, finished)
	}
}

// TestTuningRunTrialsInOrder: trials come back by number whatever the
// order they were recorded in, and belong to their run only.
func TestTuningRunTrialsInOrder(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	for _, id := range []string{"tune-x", "tune-y"} {
		if err := db.CreateTuningRun(ctx, registry.TuningRun{ID: id, Algo: "gbdt", Spec: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []int{2, 0, 3, 1} {
		v := float64(n) / 10
		tr := mlctl.Trial{RunID: "tune-x", Number: n, Params: map[string]string{"n": string(rune('a' + n))}, Status: mlctl.TrialComplete, Value: &v}
		if err := db.RecordTrial(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.RecordTrial(ctx, mlctl.Trial{RunID: "tune-y", Number: 7, Status: mlctl.TrialRunning}); err != nil {
		t.Fatal(err)
	}
	_, trials, err := db.TuningRun(ctx, "tune-x")
	if err != nil {
		t.Fatal(err)
	}
	var nums []int
	for i, tr := range trials {
		nums = append(nums, tr.Number)
		if tr.RunID != "tune-x" || tr.Params["n"] != string(rune('a'+i)) || tr.Value == nil || *tr.Value != float64(i)/10 {
			t.Errorf("trial %d: %+v", i, tr)
		}
	}
	if !slices.Equal(nums, []int{0, 1, 2, 3}) {
		t.Errorf("trials %v, want 0 1 2 3", nums)
	}
	if err := db.RecordTrial(ctx, mlctl.Trial{RunID: "tune-none", Number: 0, Status: mlctl.TrialRunning}); err == nil {
		t.Error("a trial of an unknown run was recorded")
	}
}

// TestTuningRunsNewestFirst: tune list shows the newest runs first, at
// most limit.
func TestTuningRunsNewestFirst(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	ids := []string{"tune-1", "tune-2", "tune-3", "tune-4"}
	for _, id := range ids {
		if err := db.CreateTuningRun(ctx, registry.TuningRun{ID: id, Algo: "gbdt", Spec: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond) // created_at is the insert's now()
	}
	for _, c := range []struct {
		limit int
		want  []string
	}{{10, []string{"tune-4", "tune-3", "tune-2", "tune-1"}}, {2, []string{"tune-4", "tune-3"}}} {
		runs, err := db.TuningRuns(ctx, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range runs {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("TuningRuns(%d) = %v, want %v", c.limit, got, c.want)
		}
	}
	empty := registrytest.Open(t)
	if runs, err := empty.TuningRuns(ctx, 10); err != nil || len(runs) != 0 {
		t.Errorf("no runs: %v %v", runs, err)
	}
}

func TestTuningRunNotFound(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	_, _, err := db.TuningRun(ctx, "tune-missing")
	if mlctl.ErrorCode(err) != mlctl.ENOTFOUND || !strings.Contains(err.Error(), "tune-missing") || !strings.Contains(err.Error(), "mlctl tune list") {
		t.Fatalf("an unknown run: %v (code %s), want %s naming the run and mlctl tune list", err, mlctl.ErrorCode(err), mlctl.ENOTFOUND)
	}
}

// TestFinishTuningRun records how a run ended; an unknown run is
// ENOTFOUND.
func TestFinishTuningRun(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	for _, id := range []string{"tune-done", "tune-failed"} {
		if err := db.CreateTuningRun(ctx, registry.TuningRun{ID: id, Algo: "gbdt", Spec: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.FinishTuningRun(ctx, "tune-done", "done", 7, "dga-gbdt", 3, ""); err != nil {
		t.Fatal(err)
	}
	r, _, err := db.TuningRun(ctx, "tune-done")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != "done" || r.BestTrial != 7 || r.Model != "dga-gbdt" || r.ModelVersion != 3 || r.Error != "" || r.FinishedAt == nil {
		t.Errorf("done: %+v", r)
	}
	if err := db.FinishTuningRun(ctx, "tune-failed", "failed", -1, "", 0, "no trial of 5 completed"); err != nil {
		t.Fatal(err)
	}
	r, _, err = db.TuningRun(ctx, "tune-failed")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != "failed" || r.BestTrial != -1 || r.Model != "" || r.Error != "no trial of 5 completed" || r.FinishedAt == nil {
		t.Errorf("failed: %+v", r)
	}
	runs, err := db.TuningRuns(ctx, 10)
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs %v %v", runs, err)
	}
	err = db.FinishTuningRun(ctx, "tune-missing", "done", 0, "m", 1, "")
	if mlctl.ErrorCode(err) != mlctl.ENOTFOUND || !strings.Contains(err.Error(), "tune-missing") {
		t.Errorf("finishing an unknown run: %v, want %s", err, mlctl.ENOTFOUND)
	}
}

// trial reads trial n of run id.
func trial(t *testing.T, db *registry.DB, id string, n int) *mlctl.Trial {
	t.Helper()
	_, trials, err := db.TuningRun(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range trials {
		if tr.Number == n {
			return tr
		}
	}
	t.Fatalf("no trial %d of %s in %d trials", n, id, len(trials))
	return nil
}

// TestDeleteCheckpointsUnder drops a tuning run's fold models and nothing
// else.
func TestDeleteCheckpointsUnder(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	for _, key := range []string{"tune-a/0/1", "tune-a/3/0", "tune-ab/0/0", "train-tune-a"} {
		if _, err := db.SaveCheckpoint(ctx, registry.Checkpoint{WorkflowID: key, Kind: registry.KindCheckpoint, Progress: 10, SHA256: "x", Artifact: []byte("{}")}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteCheckpointsUnder(ctx, "tune-a/"); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]bool{"tune-a/0/1": false, "tune-a/3/0": false, "tune-ab/0/0": true, "train-tune-a": true} {
		_, err := db.LatestCheckpoint(ctx, key, registry.KindCheckpoint)
		if (err == nil) != want {
			t.Errorf("%s: kept %v, want %v (%v)", key, err == nil, want, err)
		}
	}
}
