package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/webhook"
)

// webhookSecret is what the e2e workers sign webhooks with.
const webhookSecret = "e2e-webhook-secret"

// hooks is a webhook receiver that keeps the bodies whose signature checks.
type hooks struct {
	mu     sync.Mutex
	bodies []map[string]any
	bad    []string
	srv    *httptest.Server
}

func newHooks(t *testing.T) *hooks {
	h := &hooks{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if err := webhook.Verify([]byte(webhookSecret), r.Header, b, time.Now(), 5*time.Minute); err != nil {
			h.bad = append(h.bad, err.Error())
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var m map[string]any
		json.Unmarshal(b, &m)
		h.bodies = append(h.bodies, m)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hooks) received() ([]map[string]any, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]map[string]any(nil), h.bodies...), append([]string(nil), h.bad...)
}

// waitDecision waits for a schedule's decision number n (1-based, oldest
// first) and returns it.
func (s *stack) waitDecision(schedule string, n int, within time.Duration, w *worker) *mlctl.Decision {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		ds, err := s.db.Decisions(context.Background(), schedule, 100)
		if err != nil {
			s.t.Fatal(err)
		}
		if len(ds) >= n {
			return ds[len(ds)-n]
		}
		time.Sleep(100 * time.Millisecond)
	}
	log := ""
	if w != nil {
		log = w.log.String()
	}
	s.t.Fatalf("schedule %s made no decision %d within %v\nworker log:\n%s", schedule, n, within, log)
	return nil
}

func (s *stack) aliasModel(alias string) string {
	s.t.Helper()
	a, err := s.db.GetAlias(context.Background(), alias)
	if err != nil {
		s.t.Fatal(err)
	}
	return a.Model.Ref()
}

// weakChampion ingests a small corpus as dataset dga@1, trains a weak
// model dga-gbdt@1 on it and promotes it to alias.
func (s *stack) weakChampion(alias string) {
	s.t.Helper()
	corpus := filepath.Join(s.dir, "start.csv")
	s.run("dataset", "generate", "--rows", "600", "--seed", "1", "-o", corpus)
	s.run("dataset", "ingest", "dga", "--kind", "dga", "--file", corpus)
	s.run("train", "--dataset", "dga", "--model", "dga-gbdt", "--param", "rounds=2", "--param", "max_depth=1", "--wait", "--json")
	s.run("promote", "dga-gbdt@1", "--alias", alias, "--wait")
}

// newFeed makes a directory of new data holding day1.csv, a generated
// corpus of rows names, and returns it.
func (s *stack) newFeed(rows int) string {
	s.t.Helper()
	feed := filepath.Join(s.dir, "feed")
	if err := os.MkdirAll(feed, 0o755); err != nil {
		s.t.Fatal(err)
	}
	s.run("dataset", "generate", "--rows", fmt.Sprint(rows), "--seed", "2", "-o", filepath.Join(feed, "day1.csv"))
	return feed
}

// TestScheduledRetrainPromotesBetterRefusesWorse: a schedule's run ingests
// the new file of its feed once, trains on the next dataset version, finds
// the challenger better than the alias's champion on the same fresh rows
// and promotes it, with a signed webhook and a recorded decision; a second
// run with nothing new stops; a schedule that trains a worse model has it
// refused with the gate's reason, and the alias stays.
func TestScheduledRetrainPromotesBetterRefusesWorse(t *testing.T) {
	s := newStack(t)
	w := s.startWorker()
	s.weakChampion("prod")
	feed := s.newFeed(4000)
	h := newHooks(t)

	out := s.run("schedule", "create", "nightly", "--dataset", "dga", "--model", "dga-gbdt", "--new-data", feed,
		"--alias", "prod", "--promote-if-better", "--param", "rounds=20", "--every", "24h", "--webhook", h.srv.URL+"/hook")
	if !strings.Contains(out, "created schedule nightly") || !strings.Contains(out, "/schedules/retrain-nightly") {
		t.Fatalf("create: %s", out)
	}
	start := time.Now()
	s.run("schedule", "trigger", "nightly")
	d := s.waitDecision("nightly", 1, 3*time.Minute, w)
	t.Logf("scheduled retrain, trigger to decision: %v", time.Since(start).Round(time.Millisecond))
	if d.Outcome != mlctl.OutcomePromoted || !strings.Contains(d.Reason, "gate passed") {
		t.Fatalf("decision %+v", d)
	}
	if got := s.aliasModel("prod"); got != "dga-gbdt@2" {
		t.Fatalf("prod serves %s after the retrain, want dga-gbdt@2", got)
	}
	ds, err := s.db.Dataset(context.Background(), "dga", 0)
	if err != nil || ds.Version != 2 || ds.Rows < 4000 {
		t.Fatalf("the retrain's dataset: %+v %v", ds, err)
	}
	var files int
	s.db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM ingested_files WHERE dataset = 'dga'`).Scan(&files)
	if files != 1 {
		t.Fatalf("%d files in the watermark, want 1", files)
	}
	if !strings.Contains(w.log.String(), "retrain decision") {
		t.Fatalf("no decision log line in the worker log:\n%s", w.log.String())
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, bad := h.received()
		if len(bad) > 0 {
			t.Fatalf("webhook signatures refused: %v", bad)
		}
		if len(got) == 1 {
			if got[0]["outcome"] != "promoted" || got[0]["challenger"] != "dga-gbdt@2" || got[0]["champion"] != "dga-gbdt@1" || got[0]["event"] != "retrain.decision" {
				t.Fatalf("webhook body %v", got[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook received %d posts", len(got))
		}
		time.Sleep(50 * time.Millisecond)
	}

	// Nothing new: the next run stops and says why.
	s.run("schedule", "trigger", "nightly")
	d = s.waitDecision("nightly", 2, 2*time.Minute, w)
	if d.Outcome != mlctl.OutcomeNoNewData || !strings.Contains(d.Reason, "all ingested before") {
		t.Fatalf("second decision %+v", d)
	}

	// A worse challenger (one round of stumps) is refused, with the reason.
	s.run("dataset", "generate", "--rows", "1000", "--seed", "3", "-o", filepath.Join(feed, "day2.csv"))
	s.run("schedule", "create", "careless", "--dataset", "dga", "--model", "dga-gbdt", "--new-data", feed,
		"--alias", "prod", "--promote-if-better", "--param", "rounds=1", "--param", "max_depth=1", "--every", "24h")
	s.run("schedule", "trigger", "careless")
	d = s.waitDecision("careless", 1, 3*time.Minute, w)
	if d.Outcome != mlctl.OutcomeRefused || !strings.Contains(d.Reason, "gate: challenger dga-gbdt@3") || !strings.Contains(d.Reason, "below prod's dga-gbdt@2") {
		t.Fatalf("worse challenger: %+v", d)
	}
	if got := s.aliasModel("prod"); got != "dga-gbdt@2" {
		t.Fatalf("prod serves %s after a refused challenger", got)
	}
	var v struct {
		Decisions []mlctl.Decision `json:"decisions"`
	}
	mustJSON(t, s.run("schedule", "describe", "careless", "--json"), &v)
	if len(v.Decisions) != 1 || v.Decisions[0].Outcome != "refused" {
		t.Fatalf("describe shows decisions %+v", v.Decisions)
	}
	s.run("schedule", "delete", "nightly")
	s.run("schedule", "delete", "careless")
}

// TestShadowGatesPromotion: with --shadow, a challenger that passed the
// offline gate is scored beside the champion on the scorer's live traffic
// and promoted only if the shadow saw enough inputs; a shadow that saw no
// traffic refuses it with the reason, and the scorer's alerts came from the
// champion alone.
func TestShadowGatesPromotion(t *testing.T) {
	s := newStack(t)
	w := s.startWorker()
	s.weakChampion("prod")
	addr := freeAddr(t)
	s.startScorer(addr, "--alias", "prod").waitVersion(1, 20*time.Second)
	feed := s.newFeed(4000)
	s.run("schedule", "create", "shadowed", "--dataset", "dga", "--model", "dga-gbdt", "--new-data", feed, "--alias", "prod",
		"--promote-if-better", "--param", "rounds=20", "--every", "24h", "--shadow", "6s", "--min-shadow-scored", "100", "--max-disagreement", "0.9")
	s.run("schedule", "trigger", "shadowed")
	names := strings.Split(strings.TrimSpace(s.run("dataset", "generate", "--rows", "200", "--seed", "9", "-o", "/dev/stdout")), "\n")[1:]
	var body strings.Builder
	body.WriteString(`{"names":[`)
	for i, l := range names {
		if i > 0 {
			body.WriteString(",")
		}
		fmt.Fprintf(&body, "%q", strings.SplitN(l, ",", 2)[0])
	}
	body.WriteString("]}")
	// Score while the shadow is open.
	deadline := time.Now().Add(3 * time.Minute)
	var sh *registry.Shadow
	for sh == nil && time.Now().Before(deadline) {
		sh, _ = s.db.OpenShadow(context.Background(), "prod")
		time.Sleep(50 * time.Millisecond)
	}
	if sh == nil {
		t.Fatalf("no shadow opened\n%s", w.log.String())
	}
	for i := 0; i < 3; i++ {
		resp, err := httpClient.Post("http://"+addr+"/v1/score", "application/json", strings.NewReader(body.String()))
		if err != nil {
			t.Fatal(err)
		}
		var r struct {
			Version int `json:"version"`
		}
		json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if r.Version != 1 {
			t.Fatalf("the scorer answered with version %d during the shadow; the champion is version 1", r.Version)
		}
		time.Sleep(500 * time.Millisecond)
	}
	d := s.waitDecision("shadowed", 1, 2*time.Minute, w)
	if d.Outcome != mlctl.OutcomePromoted || !strings.Contains(d.Reason, "shadowed beside dga-gbdt@1") {
		t.Fatalf("decision after a shadow with traffic: %+v", d)
	}
	sum, err := s.db.SummariseShadow(context.Background(), sh.ID)
	if err != nil || sum.Scored < 100 || sum.EndedAt == nil {
		t.Fatalf("shadow summary %+v %v", sum, err)
	}
	// The challenger raised no alert while it was shadowed.
	var before int
	s.db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM alerts WHERE model_id = $1 AND created_at < $2`, d.ChallengerID, *sum.EndedAt).Scan(&before)
	if before != 0 {
		t.Fatalf("the challenger raised %d alerts while shadowed", before)
	}

	// No traffic during the next shadow: refused, champion stays.
	s.run("dataset", "generate", "--rows", "1000", "--seed", "4", "-o", filepath.Join(feed, "day2.csv"))
	s.run("schedule", "trigger", "shadowed")
	d = s.waitDecision("shadowed", 2, 3*time.Minute, w)
	if d.Outcome != mlctl.OutcomeRefused || !strings.Contains(d.Reason, "shadow: challenger dga-gbdt@3 scored 0 live inputs") {
		t.Fatalf("decision after a shadow without traffic: %+v", d)
	}
	if got := s.aliasModel("prod"); got != "dga-gbdt@2" {
		t.Fatalf("prod serves %s", got)
	}
	if _, err := s.db.OpenShadow(context.Background(), "prod"); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("a shadow is still open: %v", err)
	}
}
