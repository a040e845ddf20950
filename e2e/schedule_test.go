package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestScheduleRetrains: `schedule create` makes a real Temporal Schedule
// whose runs are Retrain; `trigger` starts one that publishes a new version
// (the alias has no model yet, and the schedule does not promote, so it
// stops there and says so); describe, pause, unpause and delete act on it,
// and a missing schedule exits 3.
func TestScheduleRetrains(t *testing.T) {
	s := newStack(t)
	s.startWorker()
	corpus := filepath.Join(s.dir, "corpus.csv")
	s.run("dataset", "generate", "--rows", "4000", "--seed", "5", "-o", corpus)
	s.run("dataset", "ingest", "corpus", "--kind", "dga", "--file", corpus)
	out := s.run("schedule", "create", "nightly", "--dataset", "corpus", "--param", "rounds=10", "--every", "24h")
	if !strings.Contains(out, "created schedule nightly") || !strings.Contains(out, "/schedules/retrain-nightly") {
		t.Fatalf("create: %s", out)
	}
	if _, stderr, err := s.try("schedule", "create", "nightly", "--dataset", "corpus", "--every", "24h"); err == nil {
		t.Fatalf("a second schedule of the same name was created: %s", stderr)
	}
	s.run("schedule", "trigger", "nightly")
	ctx := context.Background()
	deadline := time.Now().Add(2 * time.Minute)
	var versions int
	for time.Now().Before(deadline) {
		s.db.Pool().QueryRow(ctx, `SELECT count(*) FROM models WHERE name = 'corpus-gbdt'`).Scan(&versions)
		if versions > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if versions != 1 {
		t.Fatalf("the triggered run published %d versions", versions)
	}
	var d struct {
		Paused bool     `json:"paused"`
		Runs   int      `json:"runs"`
		Recent []string `json:"recent"`
		Note   string   `json:"note"`
	}
	mustJSON(t, s.run("schedule", "describe", "nightly", "--json"), &d)
	if d.Runs != 1 || len(d.Recent) != 1 || !strings.HasPrefix(d.Recent[0], "retrain-nightly-") ||
		d.Note != "retrain corpus-gbdt (gbdt) on corpus, every 24h0m0s; gate against production, report only" {
		t.Fatalf("describe: %+v", d)
	}
	dec := s.waitDecision("nightly", 1, time.Minute, nil)
	if dec.Outcome != "not_promoted" || !strings.Contains(dec.Reason, "first model on production; not promoted: the schedule has no --promote-if-better") {
		t.Fatalf("decision %+v", dec)
	}
	s.run("schedule", "pause", "nightly")
	mustJSON(t, s.run("schedule", "describe", "nightly", "--json"), &d)
	if !d.Paused || !strings.HasSuffix(d.Note, "[paused]") {
		t.Fatalf("after pause: %+v", d)
	}
	s.run("schedule", "unpause", "nightly")
	s.run("schedule", "delete", "nightly")
	if _, stderr, err := s.try("schedule", "describe", "nightly"); exitCode(err) != 3 || !strings.Contains(stderr, "schedule nightly not found") {
		t.Fatalf("describe after delete: %v %s", err, stderr)
	}
}
