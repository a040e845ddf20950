package gate_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/gate"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestShadowRequirements: a challenger never shadowed fails; one shadowed
// beside another champion, too briefly, on too few inputs or disagreeing
// too often fails with a sentence that says so; otherwise it passes.
func TestShadowRequirements(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	var ms []*registry.Model
	for i := range 3 {
		art := []byte(fmt.Sprintf(`{"v":%d}`, i))
		sum := sha256.Sum256(art)
		m, _, err := db.PublishModel(ctx, registry.NewModel{Name: "dga", Algo: "gbdt", Artifact: art, SHA256: hex.EncodeToString(sum[:]),
			Manifest: json.RawMessage(`{}`), DatasetVersions: []string{"dga@1"}, WorkflowID: fmt.Sprintf("train-%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	champ, chall := ms[0], ms[1]
	in := gate.Input{Alias: "production", ChampionID: champ.ID, ChallengerID: chall.ID, MinShadowScored: 50}
	check := func(in gate.Input) gate.ShadowCheck {
		t.Helper()
		sh, err := gate.Shadow(ctx, db, in, chall.Ref(), champ.Ref())
		if err != nil {
			t.Fatal(err)
		}
		return sh
	}
	if sh := check(in); sh.Passed || sh.Summary != nil || sh.Reason != "challenger dga@2 has not been shadowed on production; the gate requires a shadow of at least 0s" {
		t.Fatalf("never shadowed: %+v", sh)
	}
	s, err := db.StartShadow(ctx, "production", champ.ID, chall.ID, "retrain-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveShadowStats(ctx, registry.ShadowStats{ShadowID: s.ID, ScorerID: "scorer-a", Scored: 100, Disagreements: 10,
		ChampionAlerts: 4, ChallengerAlerts: 12}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in   gate.Input
		want string
	}{
		{gate.Input{Alias: "production", ChampionID: ms[2].ID, ChallengerID: chall.ID, MinShadowScored: 1},
			fmt.Sprintf("challenger dga@2 was shadowed beside model %d, not production's dga@1", champ.ID)},
		{gate.Input{Alias: "production", ChampionID: champ.ID, ChallengerID: chall.ID, MinShadow: time.Hour}, "challenger dga@2 was shadowed for "},
		{gate.Input{Alias: "production", ChampionID: champ.ID, ChallengerID: chall.ID, MinShadowScored: 1000}, "challenger dga@2 scored 100 live inputs in its shadow on production; the gate requires 1000"},
		{gate.Input{Alias: "production", ChampionID: champ.ID, ChallengerID: chall.ID, MaxDisagreement: 0.05}, "challenger dga@2 disagreed with dga@1 on 10.00% of 100 live inputs (12 alerts vs the champion's 4); the gate allows 5.00%"},
	} {
		sh, err := gate.Shadow(ctx, db, c.in, chall.Ref(), "dga@1")
		if err != nil {
			t.Fatal(err)
		}
		if sh.Passed || sh.Summary == nil || !strings.HasPrefix(sh.Reason, c.want) {
			t.Errorf("%+v: %+v, want a failure %q", c.in, sh, c.want)
		}
	}
	if sh := check(in); !sh.Passed || sh.Summary.Scored != 100 || !strings.HasPrefix(sh.Reason, "challenger dga@2 shadowed beside dga@1 for ") {
		t.Fatalf("a shadow that meets the requirements: %+v", sh)
	}
}
