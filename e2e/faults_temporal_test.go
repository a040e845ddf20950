package e2e

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/worker/temporaltest"
)

// newRestartableStack is newStack with a Temporal server the test may stop,
// kill and start again (same SQLite file, same address).
func newRestartableStack(t *testing.T) (*stack, *temporaltest.RestartableServer) {
	t.Helper()
	url := registrytest.NewDatabase(t)
	db, err := registry.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	srv := temporaltest.StartRestartable(t)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("Temporal dev server log:\n%s", srv.Log())
		}
	})
	return &stack{t: t, dbURL: url, db: db, temporal: srv.HostPort(), client: srv.Client(), dir: t.TempDir()}, srv
}

// cliRun is an mlctl command running in the background.
type cliRun struct {
	t           *testing.T
	args        []string
	out, errOut syncBuffer
	done        chan struct{}
	err         error
}

// start runs mlctl in the background; wait collects it.
func (s *stack) start(args ...string) *cliRun {
	s.t.Helper()
	r := &cliRun{t: s.t, args: args, done: make(chan struct{})}
	cmd := exec.Command(mlctlBin, args...)
	cmd.Env = s.env()
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = &r.out, &r.errOut
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start mlctl %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		r.err = cmd.Wait()
		close(r.done)
	}()
	s.t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-r.done
	})
	return r
}

// exited reports whether the command has ended.
func (r *cliRun) exited() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// wait waits for the command and returns its stdout, failing the test when
// it exits non-zero or runs longer than within.
func (r *cliRun) wait(within time.Duration) string {
	r.t.Helper()
	select {
	case <-r.done:
	case <-time.After(within):
		r.t.Fatalf("mlctl %s still running after %s\nstderr: %s", strings.Join(r.args, " "), within, r.errOut.String())
	}
	if r.err != nil {
		r.t.Fatalf("mlctl %s: %v\nstderr: %s", strings.Join(r.args, " "), r.err, r.errOut.String())
	}
	return r.out.String()
}

// waitTrainCheckpoint waits until a TrainModel workflow whose ID starts with
// prefix has saved a checkpoint, and returns its ID and progress; it fails
// at once, with what it said, if r (the `mlctl train` that started the
// run) exits first.
func (s *stack) waitTrainCheckpoint(prefix string, within time.Duration, w *worker, r *cliRun) (string, int) {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		var id string
		var progress int
		err := s.db.Pool().QueryRow(context.Background(), `SELECT workflow_id, progress FROM checkpoints
			WHERE workflow_id LIKE $1 AND kind = 'checkpoint' AND progress > 0 ORDER BY progress DESC LIMIT 1`, prefix+"%").Scan(&id, &progress)
		if err == nil {
			return id, progress
		}
		if r.exited() {
			s.t.Fatalf("mlctl %s exited (%v) before a checkpoint of %s* appeared\nstdout: %s\nstderr: %s\nworker log:\n%s",
				strings.Join(r.args, " "), r.err, prefix, r.out.String(), r.errOut.String(), w.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("no checkpoint of a workflow %s* within %s\nmlctl %s said: %s\nworker log:\n%s", prefix, within, strings.Join(r.args, " "), r.errOut.String(), w.log)
	return "", 0
}

// TestTemporalRestartMidTrain stops the Temporal server (SIGINT, as an
// operator would) while `mlctl train --wait` trains a gbdt model, and
// starts it again on the same state: the worker and the waiting CLI
// reconnect by themselves, training goes on, the workflow completes with
// exactly one model version, and the model's SHA-256 equals that of an
// uninterrupted run of the same input and seed.
func TestTemporalRestartMidTrain(t *testing.T) {
	s, srv := newRestartableStack(t)
	w := s.startWorker()
	corpus := filepath.Join(s.dir, "demo.csv")
	s.run("dataset", "generate", "--rows", "20000", "--seed", "5", "-o", corpus)
	s.run("dataset", "ingest", "demo", "--kind", "dga", "--file", corpus)
	const rounds = 5000
	train := func(model string) []string {
		return []string{"train", "--dataset", "demo", "--algo", "gbdt", "--model", model, "--seed", "9",
			"--param", "rounds=5000", "--param", "max_depth=8", "--param", "eta=0.02", "--param", "max_bin=256", "--wait", "--json"}
	}

	began := time.Now()
	r := s.start(train("restarted")...)
	id, before := s.waitTrainCheckpoint("train-restarted-", 3*time.Minute, w, r)
	if before >= rounds {
		t.Fatalf("training finished (%d of %d trees) before the restart: make it longer", before, rounds)
	}
	stopAt := time.Now()
	srv.Stop()
	stopped := time.Since(stopAt)
	srv.Start()
	restarted := time.Since(stopAt) - stopped
	t.Logf("stopped Temporal at tree %d of %d, %s into the run: stop took %s, start %s",
		before, rounds, stopAt.Sub(began).Round(time.Millisecond), stopped.Round(time.Millisecond), restarted.Round(time.Millisecond))

	// Training goes on after the restart: a later checkpoint appears (or
	// the run ends first).
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var after int
		s.db.Pool().QueryRow(context.Background(), `SELECT COALESCE(MAX(progress), 0) FROM checkpoints WHERE workflow_id = $1 AND kind = 'checkpoint'`, id).Scan(&after)
		if after > before {
			t.Logf("checkpoint at tree %d %s after the restart", after, time.Since(stopAt).Round(time.Millisecond))
			break
		}
		if r.exited() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint past tree %d within 3 minutes of the restart\nworker log:\n%s", before, w.log)
		}
		time.Sleep(100 * time.Millisecond)
	}

	var res struct {
		trained
		WorkflowID  string `json:"workflow_id"`
		ResumedFrom int    `json:"resumed_from"`
		Trees       int    `json:"trees"`
	}
	mustJSON(t, r.wait(8*time.Minute), &res)
	t.Logf("the run completed %s after the restart (%s in all), resumed from tree %d (0: the training attempt outlived the restart)",
		time.Since(stopAt).Round(time.Millisecond), time.Since(began).Round(time.Millisecond), res.ResumedFrom)
	if res.WorkflowID != id || res.Version != 1 || res.Trees != rounds {
		t.Fatalf("train result: workflow %s version %d trees %d, want %s version 1 with %d trees", res.WorkflowID, res.Version, res.Trees, id, rounds)
	}
	var versions int
	s.db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM models WHERE name = 'restarted'`).Scan(&versions)
	if versions != 1 {
		t.Fatalf("%d versions of the model, want exactly 1", versions)
	}

	// The same input and seed without a restart: identical bytes.
	uninterrupted := time.Now()
	var again trained
	mustJSON(t, s.run(train("uninterrupted")...), &again)
	t.Logf("the uninterrupted run took %s", time.Since(uninterrupted).Round(time.Millisecond))
	if again.SHA256 != res.SHA256 {
		t.Fatalf("model sha256 %s after a Temporal restart differs from the uninterrupted run's %s", res.SHA256, again.SHA256)
	}
	if w.exited() {
		t.Fatalf("the worker exited: %v\n%s", w.cmd.ProcessState, w.log)
	}
}

// TestTemporalRestartMidRollout kills the Temporal server (SIGKILL, as a
// crash would) while a Rollout waits for scorers to confirm, and starts it
// again: scoring never stops, the rollout completes, the alias points at
// the new model with exactly one history row for the change (no restore),
// and every scorer serves the alias's model.
func TestTemporalRestartMidRollout(t *testing.T) {
	s, srv := newRestartableStack(t)
	w := s.startWorker()
	shas := s.trainModels("dga", 2)
	a, b := s.startScorer(freeAddr(t), "--alias", "production"), s.startScorer(freeAddr(t), "--alias", "production")
	s.run("promote", "dga@1", "--wait")
	a.waitVersion(1, 10*time.Second)
	b.waitVersion(1, 10*time.Second)

	// Scorer a takes load all along: scoring does not need Temporal.
	l := startLoad([]string{a.addr}, 50)
	// Scorer b is frozen so the rollout waits in its confirm step (a
	// frozen scorer counts as live for registry.ScorerLiveness, 10 s,
	// longer than this takes).
	syscall.Kill(b.cmd.Process.Pid, syscall.SIGSTOP)
	frozen := true
	defer func() {
		if frozen {
			syscall.Kill(b.cmd.Process.Pid, syscall.SIGCONT)
		}
	}()
	frozenAt := time.Now()
	r := s.start("promote", "dga@2", "--force", "--reason", "fault suite: Temporal restart", "--confirm-timeout", "2m", "--wait", "--json")
	deadline := time.Now().Add(time.Minute)
	for s.aliasModel("production") != "dga@2" {
		if time.Now().After(deadline) {
			t.Fatalf("the alias did not move within a minute\npromote: %s\nworker log:\n%s", r.errOut.String(), w.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	killAt := time.Now()
	srv.Kill()
	killed := time.Since(killAt)
	srv.Start()
	restarted := time.Since(killAt) - killed
	syscall.Kill(b.cmd.Process.Pid, syscall.SIGCONT)
	frozen = false
	t.Logf("alias moved %s after the promote began; killed Temporal (%s) and started it again (%s); scorer b frozen for %s",
		killAt.Sub(frozenAt).Round(time.Millisecond), killed.Round(time.Millisecond), restarted.Round(time.Millisecond), time.Since(frozenAt).Round(time.Millisecond))

	var res rollout
	mustJSON(t, r.wait(4*time.Minute), &res)
	t.Logf("the rollout completed %s after the restart; %d scorers confirmed", time.Since(killAt).Round(time.Millisecond), len(res.Confirmed.Scorers))
	if res.From != "dga@1" || res.To != "dga@2" || res.SHA256 != shas[1] || len(res.Confirmed.Scorers) == 0 {
		t.Fatalf("rollout result %+v", res)
	}
	if got := s.aliasModel("production"); got != "dga@2" {
		t.Fatalf("alias production points at %s after the rollout, want dga@2", got)
	}
	type change struct {
		Action, From, To string
		WorkflowID       string `json:"workflow_id"`
	}
	var hist []change
	for _, line := range strings.Split(strings.TrimSpace(s.run("aliases", "history", "--alias", "production", "--json")), "\n") {
		var h change
		if err := json.Unmarshal([]byte(line), &h); err != nil {
			t.Fatalf("aliases history line %q: %v", line, err)
		}
		hist = append(hist, h)
	}
	if len(hist) != 2 || hist[0] != (change{Action: "promote", From: "dga@1", To: "dga@2", WorkflowID: res.WorkflowID}) {
		t.Fatalf("alias history %+v, want one promote dga@1 → dga@2 by %s above the first promote", hist, res.WorkflowID)
	}
	for _, sc := range []*scorer{a, b} {
		sc.waitVersion(2, 30*time.Second)
		if h, _ := sc.health(); h.SHA256 != shas[1] {
			t.Fatalf("scorer %s serves %+v, want sha256 %s", sc.addr, h, shas[1])
		}
	}
	sent, failed, versions := l.finish()
	if len(failed) > 0 {
		t.Fatalf("%d of %d requests failed while Temporal restarted: %v", len(failed), sent, failed[:min(5, len(failed))])
	}
	t.Logf("load: %d requests, none failed, by version %v", sent, versions)
}
