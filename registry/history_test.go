package registry_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestPruneModelHistory: only the newest versions keep their bytes, and
// never a version an alias points at or ever pointed at; a pruned version
// still has its row and says why its bytes are gone.
func TestPruneModelHistory(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	ms := publishN(t, db, "dga", 8)
	publishN(t, db, "other", 3)
	zero := int64(0)
	// v2 was in production and rolled forward to v3: both stay.
	if _, err := db.SetAlias(ctx, registry.MoveAlias{Alias: "production", ModelID: ms[1].ID, Action: mlctl.ActionPromote, Reason: "r", WorkflowID: "p1", By: "ana", ExpectFromID: &zero}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetAlias(ctx, registry.MoveAlias{Alias: "production", ModelID: ms[2].ID, Action: mlctl.ActionPromote, Reason: "r", WorkflowID: "p2", By: "ana", ExpectFromID: &ms[1].ID}); err != nil {
		t.Fatal(err)
	}
	pruned, err := db.PruneModelHistory(ctx, "dga", 3)
	if err != nil || !slices.Equal(pruned, []int{1, 4, 5}) {
		t.Fatalf("pruned %v %v, want versions 1, 4 and 5", pruned, err)
	}
	for _, m := range ms {
		_, _, err := db.Artifact(ctx, m.ID)
		gone := slices.Contains(pruned, m.Version)
		if gone != (err != nil) {
			t.Fatalf("dga@%d: %v", m.Version, err)
		}
		if gone && (mlctl.ErrorCode(err) != mlctl.ENOTFOUND || !strings.Contains(err.Error(), "dga@"+string(rune('0'+m.Version))+": its artifact was pruned")) {
			t.Fatalf("dga@%d: %v", m.Version, err)
		}
		if _, err := db.Model(ctx, "dga", m.Version); err != nil {
			t.Fatalf("dga@%d's row: %v", m.Version, err)
		}
	}
	if again, err := db.PruneModelHistory(ctx, "dga", 3); err != nil || len(again) != 0 {
		t.Fatalf("second prune: %v %v", again, err)
	}
	if other, err := db.PruneModelHistory(ctx, "other", 10); err != nil || len(other) != 0 {
		t.Fatalf("other: %v %v", other, err)
	}
	if _, err := db.PruneModelHistory(ctx, "dga", 0); mlctl.ErrorCode(err) != mlctl.EINVALID {
		t.Fatalf("keep 0: %v", err)
	}
}

// TestPruneKeepsShadowedVersions: a challenger being shadowed keeps its
// bytes however old (the scorers are loading it); once the shadow ends it
// is pruned like any other version.
func TestPruneKeepsShadowedVersions(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	ms := publishN(t, db, "dga", 5)
	zero := int64(0)
	if _, err := db.SetAlias(ctx, registry.MoveAlias{Alias: "production", ModelID: ms[4].ID, Action: mlctl.ActionPromote, Reason: "r", WorkflowID: "p1", By: "ana", ExpectFromID: &zero}); err != nil {
		t.Fatal(err)
	}
	sh, err := db.StartShadow(ctx, "production", ms[4].ID, ms[1].ID, "retrain-x")
	if err != nil {
		t.Fatal(err)
	}
	pruned, err := db.PruneModelHistory(ctx, "dga", 1)
	if err != nil || !slices.Equal(pruned, []int{1, 3, 4}) {
		t.Fatalf("pruned %v %v, want 1, 3 and 4 (2 is shadowed, 5 is in production)", pruned, err)
	}
	if _, err := db.EndShadow(ctx, sh.ID, "refused"); err != nil {
		t.Fatal(err)
	}
	pruned, err = db.PruneModelHistory(ctx, "dga", 1)
	if err != nil || !slices.Equal(pruned, []int{2}) {
		t.Fatalf("after the shadow: pruned %v %v, want 2", pruned, err)
	}
}
