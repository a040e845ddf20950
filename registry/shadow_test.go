package registry_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// expectNotify waits for one notification of alias on wake.
func expectNotify(t *testing.T, wake <-chan string, alias, what string) {
	t.Helper()
	select {
	case got := <-wake:
		if got != alias {
			t.Fatalf("%s notified %q, want %q", what, got, alias)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s did not notify %s within 5s", what, registry.AliasChannel)
	}
}

func TestShadowStartIsIdempotentReplacesAndEnds(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	ms := publishN(t, db, "dga", 3)
	wake, stop, err := db.Listen(ctx, registry.AliasChannel)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if _, err := db.OpenShadow(ctx, "production"); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("open shadow before any: %v, want not found", err)
	}
	s1, err := db.StartShadow(ctx, "production", ms[0].ID, ms[1].ID, "retrain-1")
	if err != nil || s1.Alias != "production" || s1.ChampionID != ms[0].ID || s1.ChallengerID != ms[1].ID || s1.EndedAt != nil || s1.Outcome != "" {
		t.Fatalf("start: %+v %v", s1, err)
	}
	expectNotify(t, wake, "production", "StartShadow")
	// A retried activity gets the same shadow.
	again, err := db.StartShadow(ctx, "production", ms[0].ID, ms[1].ID, "retrain-1")
	if err != nil || again.ID != s1.ID {
		t.Fatalf("retried start made a new shadow: %+v %v", again, err)
	}
	open, err := db.OpenShadow(ctx, "production")
	if err != nil || open.ID != s1.ID {
		t.Fatalf("open shadow %+v %v, want %d", open, err, s1.ID)
	}
	// Another workflow's shadow replaces it.
	s2, err := db.StartShadow(ctx, "production", ms[0].ID, ms[2].ID, "retrain-2")
	if err != nil || s2.ID == s1.ID {
		t.Fatalf("second workflow: %+v %v", s2, err)
	}
	expectNotify(t, wake, "production", "a replacing StartShadow")
	old, err := db.LatestShadow(ctx, "production", ms[1].ID)
	if err != nil || old.ID != s1.ID || old.EndedAt == nil || old.Outcome != "replaced" {
		t.Fatalf("replaced shadow %+v %v", old, err)
	}
	if _, err := db.LatestShadow(ctx, "staging", ms[1].ID); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("latest shadow on another alias: %v, want not found", err)
	}
	ended, err := db.EndShadow(ctx, s2.ID, "promoted")
	if err != nil || ended.EndedAt == nil || ended.Outcome != "promoted" {
		t.Fatalf("end: %+v %v", ended, err)
	}
	expectNotify(t, wake, "production", "EndShadow")
	// Ending again keeps the first outcome.
	if e2, err := db.EndShadow(ctx, s2.ID, "rejected"); err != nil || e2.Outcome != "promoted" || !e2.EndedAt.Equal(*ended.EndedAt) {
		t.Fatalf("second end: %+v %v", e2, err)
	}
	if _, err := db.OpenShadow(ctx, "production"); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("open shadow after end: %v, want not found", err)
	}
	if _, err := db.EndShadow(ctx, 9999, "x"); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("end of a missing shadow: %v, want not found", err)
	}
}

func TestShadowStatsAreReplacedPerScorerAndSummed(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	ms := publishN(t, db, "dga", 2)
	s, err := db.StartShadow(ctx, "production", ms[0].ID, ms[1].ID, "retrain-1")
	if err != nil {
		t.Fatal(err)
	}
	hist := func(at ...int) []int64 {
		h := make([]int64, registry.ShadowBins)
		for _, i := range at {
			h[i]++
		}
		return h
	}
	save := func(st registry.ShadowStats) {
		t.Helper()
		if err := db.SaveShadowStats(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	// A scorer that took the shadow but scored nothing yet: no histograms.
	save(registry.ShadowStats{ShadowID: s.ID, ScorerID: "a"})
	save(registry.ShadowStats{ShadowID: s.ID, ScorerID: "a", Scored: 2, Disagreements: 1, ChampionAlerts: 1,
		ChampionHist: hist(0, 19), ChallengerHist: hist(0, 1)})
	save(registry.ShadowStats{ShadowID: s.ID, ScorerID: "b", Scored: 2, Disagreements: 0, ChampionAlerts: 1, ChallengerAlerts: 1,
		ChampionHist: hist(3, 19), ChallengerHist: hist(3, 19)})
	// The stats of a shadow that has ended are still taken (a scorer's last flush).
	if _, err := db.EndShadow(ctx, s.ID, "rejected"); err != nil {
		t.Fatal(err)
	}
	save(registry.ShadowStats{ShadowID: s.ID, ScorerID: "b", Scored: 3, Disagreements: 1, ChampionAlerts: 1, ChallengerAlerts: 2,
		ChampionHist: hist(3, 19, 10), ChallengerHist: hist(3, 19, 19)})
	sum, err := db.SummariseShadow(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Scorers != 2 || sum.Scored != 5 || sum.Disagreements != 2 || sum.ChampionAlerts != 2 || sum.ChallengerAlerts != 2 || sum.DisagreementRate != 0.4 {
		t.Fatalf("summary %+v", sum)
	}
	if want := hist(0, 19, 3, 19, 10); !slices.Equal(sum.ChampionHist, want) {
		t.Fatalf("champion histogram %v, want %v", sum.ChampionHist, want)
	}
	if want := hist(0, 1, 3, 19, 19); !slices.Equal(sum.ChallengerHist, want) {
		t.Fatalf("challenger histogram %v, want %v", sum.ChallengerHist, want)
	}
	if sum.ID != s.ID || sum.Outcome != "rejected" || sum.Seconds < 0 || sum.UpdatedAt.IsZero() {
		t.Fatalf("summary of the shadow %+v", sum)
	}
	bad := registry.ShadowStats{ShadowID: s.ID, ScorerID: "c", ChampionHist: make([]int64, 3), ChallengerHist: hist()}
	if err := db.SaveShadowStats(ctx, bad); mlctl.ErrorCode(err) != mlctl.EINVALID {
		t.Fatalf("a histogram of 3 bins: %v, want invalid", err)
	}
	empty, err := db.SummariseShadow(ctx, func() int64 {
		s2, err := db.StartShadow(ctx, "production", ms[0].ID, ms[1].ID, "retrain-2")
		if err != nil {
			t.Fatal(err)
		}
		return s2.ID
	}())
	if err != nil || empty.Scorers != 0 || empty.Scored != 0 || empty.DisagreementRate != 0 || len(empty.ChampionHist) != registry.ShadowBins {
		t.Fatalf("summary of a shadow without stats %+v %v", empty, err)
	}
	if _, err := db.SummariseShadow(ctx, 9999); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("summary of a missing shadow: %v, want not found", err)
	}
}
