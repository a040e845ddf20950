package activities_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestConfirmScorersWaitsForEveryLiveScorer runs ConfirmScorers on a real
// registry against heartbeat rows: it waits for a lagging scorer, ignores
// a stopped one, fails fast on a refusal, and times out naming who is behind.
func TestConfirmScorersWaitsForEveryLiveScorer(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	var ids []int64
	for i := range 2 {
		art := []byte(fmt.Sprintf(`{"m":%d}`, i))
		m, _, err := db.PublishModel(ctx, registry.NewModel{Name: "dga", Algo: "gbdt", Artifact: art, SHA256: sha(art),
			Manifest: json.RawMessage(`{}`), DatasetVersions: []string{}, WorkflowID: fmt.Sprint("w", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	change, err := db.SetAlias(ctx, registry.MoveAlias{Alias: "production", ModelID: ids[1], Action: mlctl.ActionPromote, By: "t"})
	if err != nil {
		t.Fatal(err)
	}
	beat := func(id string, model, changeID, refused int64, stopped bool) {
		t.Helper()
		b := registry.ScorerBeat{ID: id, Host: "h", Alias: "production", ModelID: model, ChangeID: changeID, RefusedModelID: refused,
			StartedAt: time.Now(), Stopped: stopped, Announce: true, LoadedAt: time.Now()}
		if refused != 0 {
			b.LastError = "checksum mismatch"
		}
		if err := db.Heartbeat(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	beat("fast", ids[1], change.ID, 0, false)
	beat("slow", ids[0], change.ID-1, 0, false)
	beat("gone", ids[0], 0, 0, true)

	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	acts := &activities.Activities{DB: db}
	env.RegisterActivity(acts)
	in := activities.ConfirmInput{Alias: "production", ModelID: ids[1], Model: "dga@2", ChangeID: change.ID, MovedAt: change.At, Timeout: 20 * time.Second}

	go func() {
		time.Sleep(300 * time.Millisecond)
		beat("slow", ids[1], change.ID, 0, false)
	}()
	v, err := env.ExecuteActivity(acts.ConfirmScorers, in)
	if err != nil {
		t.Fatal(err)
	}
	var res activities.ConfirmResult
	v.Get(&res)
	if len(res.Scorers) != 2 || res.Seconds <= 0 {
		t.Fatalf("confirmed %+v, want fast and slow", res)
	}

	// A refusal fails at once, with the scorer's reason.
	beat("slow", ids[0], change.ID, ids[1], false)
	start := time.Now()
	_, err = env.ExecuteActivity(acts.ConfirmScorers, in)
	if err == nil || !strings.Contains(err.Error(), "refused dga@2") || !strings.Contains(err.Error(), "checksum mismatch") || time.Since(start) > 5*time.Second {
		t.Fatalf("refusal: %v after %s", err, time.Since(start))
	}

	// A scorer that never catches up: the timeout names it.
	beat("slow", ids[0], change.ID-1, 0, false)
	in.MovedAt, in.Timeout = time.Now(), 500*time.Millisecond
	_, err = env.ExecuteActivity(acts.ConfirmScorers, in)
	if err == nil || !strings.Contains(err.Error(), "1 of 2 live scorers") || !strings.Contains(err.Error(), "slow on h") {
		t.Fatalf("timeout: %v", err)
	}
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
