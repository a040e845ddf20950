package serving

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/published/publishedtest"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// publishModel trains a small real model (heidgaf44 features, generated
// names) and publishes it as name@next with threshold 0.5.
func publishModel(t *testing.T, db *registry.DB, name string, seed uint64) *registry.Model {
	t.Helper()
	return publishNameModel(t, db, name, seed, false)
}

// publishNameModel is publishModel; flip trains on inverted labels (a
// model that disagrees with the others on nearly every name).
func publishNameModel(t *testing.T, db *registry.DB, name string, seed uint64, flip bool) *registry.Model {
	t.Helper()
	return publishedtest.Publish(t, db, name, publishedtest.NameModel(t, seed, 600, 10, flip), 0.5)
}

func TestWatcherSwapsOnAliasChangeAndRefusesACorruptedArtifact(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := registrytest.Open(t)
	m1, m2 := publishModel(t, db, "dga", 1), publishModel(t, db, "dga", 2)
	move := func(m *registry.Model, wf string) {
		t.Helper()
		if _, err := db.SetAlias(ctx, registry.MoveAlias{Alias: "production", ModelID: m.ID, Action: mlctl.ActionPromote, WorkflowID: wf, By: "t"}); err != nil {
			t.Fatal(err)
		}
		if err := db.NotifyAlias(ctx, "production"); err != nil {
			t.Fatal(err)
		}
	}
	move(m1, "p1")
	h := &Holder{}
	changed := make(chan struct{}, 8)
	w := &Watcher{DB: db, Alias: "production", Holder: h, Log: quiet, Poll: time.Hour, Changed: func() { changed <- struct{}{} }}
	go w.Run(ctx)
	wait := func(what string) {
		t.Helper()
		select {
		case <-changed:
		case <-time.After(10 * time.Second):
			t.Fatalf("watcher did not act on %s within 10s", what)
		}
	}
	wait("the first load")
	if m := h.Get(); m == nil || m.ID != m1.ID || m.SHA256 != m1.SHA256 || m.Threshold != 0.5 {
		t.Fatalf("holder has %+v, want dga@1", h.Get())
	}
	// Through NOTIFY alone (polling is an hour away).
	move(m2, "p2")
	wait("a promote")
	if m := h.Get(); m.ID != m2.ID || w.Swaps() != 2 {
		t.Fatalf("after promote: holder %s, swaps %d", m.Ref(), w.Swaps())
	}
	// Corrupt dga@1's bytes and move back to it: refused, dga@2 keeps serving.
	if _, err := db.Pool().Exec(ctx, `UPDATE models SET artifact = overlay(artifact PLACING '\x41'::bytea FROM 50 FOR 1) WHERE id = $1`, m1.ID); err != nil {
		t.Fatal(err)
	}
	move(m1, "p3")
	wait("a corrupted model")
	st := w.Status()
	if m := h.Get(); m.ID != m2.ID || st.RefusedModelID != m1.ID || w.Refusals() != 1 {
		t.Fatalf("after a corrupted promote: holder %s, status %+v", m.Ref(), st)
	}
	if st.LastError == "" {
		t.Fatal("refusal without a reason")
	}
	t.Logf("refused: %s", st.LastError)
}

func TestPipelineDropsWhenFullScoresAndAlerts(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	pub := publishModel(t, db, "dga", 3)
	m, err := Load(ctx, db, pub)
	if err != nil {
		t.Fatal(err)
	}
	h := &Holder{}
	h.Swap(m)
	sink, err := NewAlertSink(db, "scorer-1", t.TempDir()+"/alerts.jsonl", quiet)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPipeline(h, sink, quiet, []string{"dnstap"}, PipelineOptions{QueueSize: 4, MaxWait: time.Millisecond})
	names := []string{"xkqwjzprtmvbnd.net", "www.google.com", "bad..name", "qzxvkjwplrtmsn.info", "dropped1.com", "dropped2.com"}
	for _, n := range names {
		p.Offer(Query{Source: "dnstap", Time: time.Unix(1700000000, 0), ClientIP: "10.0.0.9", Name: n})
	}
	c := p.Counters("dnstap")
	if c.Dropped.Load() != 2 {
		t.Fatalf("dropped %d, want 2 (queue of 4)", c.Dropped.Load())
	}
	p.Close()
	p.Run(ctx)
	if c.Scored.Load() != 3 || c.Skipped.Load() != 1 {
		t.Fatalf("scored %d skipped %d, want 3 and 1 (bad..name is not a domain)", c.Scored.Load(), c.Skipped.Load())
	}
	sink.Close()
	alerts, err := db.Alerts(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) == 0 || uint64(len(alerts)) != sink.Raised() {
		t.Fatalf("%d alerts stored, %d raised", len(alerts), sink.Raised())
	}
	for _, a := range alerts {
		if a.Score < a.Threshold || a.Model != "dga" || a.SHA256 != pub.SHA256 || a.ScorerID != "scorer-1" || a.BatchMedian == nil || a.ClientIP != "10.0.0.9" {
			t.Fatalf("alert %+v", a)
		}
		var d struct {
			Top []artifact.Push `json:"top_features"`
		}
		if json.Unmarshal(a.Detail, &d) != nil || len(d.Top) == 0 || d.Top[0].Margin <= 0 {
			t.Fatalf("alert detail %s", a.Detail)
		}
	}
}

// runServer starts a scorer with cfg; stop ends it (as SIGTERM would) and
// fails the test if Run returned an error. The test's end stops it too.
func runServer(t *testing.T, db *registry.DB, cfg Config) (*Server, func()) {
	t.Helper()
	srv, err := NewServer(db, cfg, quiet, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return srv, run(t, srv)
}

// run runs srv until the test ends or the function it returns is called,
// which waits for Run to return nil.
func run(t *testing.T, srv *Server) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}
