package registry_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// publishN publishes n versions of a tiny model and returns them.
func publishN(t *testing.T, db *registry.DB, name string, n int) []*registry.Model {
	t.Helper()
	var out []*registry.Model
	for i := range n {
		art := []byte(fmt.Sprintf(`{"v":%d}`, i))
		m, _, err := db.PublishModel(context.Background(), registry.NewModel{Name: name, Algo: "gbdt", Artifact: art, SHA256: sha256hex(art),
			Manifest: json.RawMessage(`{}`), DatasetVersions: []string{"dga@1"}, WorkflowID: fmt.Sprintf("train-%s-%d", name, i)})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestAliasHistoryRecordsEveryChangeAndRollbackWalksBack(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	ms := publishN(t, db, "dga", 3)
	if _, err := db.GetAlias(ctx, "production"); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("unset alias: %v", err)
	}
	zero := int64(0)
	move := func(to *registry.Model, action, wf string, expect *int64) (*registry.AliasChange, error) {
		return db.SetAlias(ctx, registry.MoveAlias{Alias: "production", ModelID: to.ID, Action: action, Reason: "r-" + wf, WorkflowID: wf, By: "ana", ExpectFromID: expect})
	}
	c1, err := move(ms[0], mlctl.ActionPromote, "promote-1", &zero)
	if err != nil || c1.From != "" || c1.To != "dga@1" || c1.By != "ana" {
		t.Fatalf("first promote %+v %v", c1, err)
	}
	// A retried activity returns the same change.
	again, err := move(ms[0], mlctl.ActionPromote, "promote-1", &zero)
	if err != nil || again.ID != c1.ID {
		t.Fatalf("retried move made a new change: %+v %v", again, err)
	}
	// A move prepared against a stale state is refused.
	if _, err := move(ms[1], mlctl.ActionPromote, "promote-stale", &zero); mlctl.ErrorCode(err) != mlctl.ECONFLICT {
		t.Fatalf("stale expectation: %v", err)
	}
	if _, err := move(ms[1], mlctl.ActionPromote, "promote-2", &ms[0].ID); err != nil {
		t.Fatal(err)
	}
	c3, err := move(ms[2], mlctl.ActionPromote, "promote-3", &ms[1].ID)
	if err != nil || c3.From != "dga@2" || c3.To != "dga@3" {
		t.Fatalf("third promote %+v %v", c3, err)
	}
	a, err := db.GetAlias(ctx, "production")
	if err != nil || a.Model.ID != ms[2].ID || a.ChangeID != c3.ID {
		t.Fatalf("alias %+v %v", a, err)
	}
	// Rollback walks back through promotions: 3 -> 2 -> 1, then nothing.
	for i, want := range []string{"dga@2", "dga@1"} {
		m, err := db.RollbackTarget(ctx, "production")
		if err != nil || m.Ref() != want {
			t.Fatalf("rollback target %d: %v %v", i, m, err)
		}
		cur, _ := db.GetAlias(ctx, "production")
		if _, err := move(m, mlctl.ActionRollback, fmt.Sprintf("rollback-%d", i), &cur.Model.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.RollbackTarget(ctx, "production"); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("rollback past the first model: %v", err)
	}
	hist, err := db.AliasHistory(ctx, "production")
	if err != nil || len(hist) != 5 {
		t.Fatalf("history %d rows, %v", len(hist), err)
	}
	want := []string{"rollback dga@2->dga@1", "rollback dga@3->dga@2", "promote dga@2->dga@3", "promote dga@1->dga@2", "promote ->dga@1"}
	for i, h := range hist {
		if got := h.Action + " " + h.From + "->" + h.To; got != want[i] || h.WorkflowID == "" || h.Reason != "r-"+h.WorkflowID || h.At.IsZero() {
			t.Fatalf("history[%d] = %q %+v, want %q", i, got, h, want[i])
		}
	}
	if err := registry.ValidAliasName("bad name"); mlctl.ErrorCode(err) != mlctl.EINVALID {
		t.Fatalf("alias with a space accepted: %v", err)
	}
}

func TestAliasChangeIsNotified(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	wake, stop, err := db.Listen(ctx, registry.AliasChannel)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if err := db.NotifyAlias(ctx, "production"); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-wake:
		if got != "production" {
			t.Fatalf("payload %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no notification within 5s")
	}
}

func TestScorerHeartbeatsAndLiveness(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	ms := publishN(t, db, "dga", 1)
	started := time.Now().Add(-time.Minute)
	b := registry.ScorerBeat{ID: "s1", Host: "h", PID: 1, Alias: "production", Listen: "http://x", ModelID: ms[0].ID, SHA256: ms[0].SHA256,
		ChangeID: 3, LoadedAt: time.Now(), Counters: map[string]int{"alerts": 2}, StartedAt: started}
	if err := db.Heartbeat(ctx, b); err != nil {
		t.Fatal(err)
	}
	b2 := b
	b2.ID, b2.ModelID, b2.SHA256, b2.LoadedAt = "s2", 0, "", time.Time{}
	if err := db.Heartbeat(ctx, b2); err != nil {
		t.Fatal(err)
	}
	ss, err := db.Scorers(ctx, "production")
	if err != nil || len(ss) != 2 || !ss[0].Live || ss[0].Model != "dga@1" || ss[1].Model != "" || string(ss[0].Counters) != `{"alerts": 2}` {
		t.Fatalf("scorers %+v %v", ss, err)
	}
	b.Stopped = true
	if err := db.Heartbeat(ctx, b); err != nil {
		t.Fatal(err)
	}
	// Silence: move s2's last beat back past the liveness window.
	if _, err := db.Pool().Exec(ctx, `UPDATE scorers SET last_seen = now() - interval '1 minute' WHERE id = 's2'`); err != nil {
		t.Fatal(err)
	}
	ss, _ = db.Scorers(ctx, "production")
	for _, s := range ss {
		if s.Live {
			t.Fatalf("scorer %s still live (stopped or silent)", s.ID)
		}
	}
	if _, err := db.Pool().Exec(ctx, `UPDATE scorers SET last_seen = now() - interval '8 days' WHERE id = 's2'`); err != nil {
		t.Fatal(err)
	}
	if n, err := db.PruneScorers(ctx, 7*24*time.Hour); err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want s2", n, err)
	}
	if ss, _ := db.Scorers(ctx, "staging"); len(ss) != 0 {
		t.Fatalf("scorers of another alias: %+v", ss)
	}
}

func TestAlertsAreStoredInOneCopy(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	ms := publishN(t, db, "dga", 1)
	med := 0.7
	in := []registry.Alert{
		{SeenAt: time.Unix(1700000000, 0).UTC(), Source: "dnstap", ClientIP: "10.0.0.1", Input: "xkqw.net", Score: 0.99, Threshold: 0.5,
			ModelID: ms[0].ID, Model: "dga", Version: 1, SHA256: ms[0].SHA256, ScorerID: "s1", BatchMedian: &med, Detail: json.RawMessage(`{"top_features":[]}`)},
		{SeenAt: time.Unix(1700000001, 0).UTC(), Source: "zeek-conn", ClientIP: "10.0.0.2", Input: "10.0.0.2@2023-11-14T22:13:20Z", Score: 0.5,
			Model: "flowcheck", ScorerID: "s1"},
	}
	if _, err := db.AddAlerts(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := db.Alerts(ctx, 10)
	if err != nil || len(got) != 2 || got[1].Input != "xkqw.net" || *got[1].BatchMedian != 0.7 || got[0].BatchMedian != nil || string(got[0].Detail) != "{}" {
		t.Fatalf("alerts %+v %v", got, err)
	}
}
