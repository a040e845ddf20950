package published_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/published"
	"github.com/mlctl/mlctl/published/publishedtest"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestLoadChecksTheRegistryAgainstTheArtifact: a version whose registry
// row or manifest disagrees with its verified bytes (another algorithm,
// feature set or checksum) is refused as corrupt, not served as what the
// row says; the untouched version loads.
func TestLoadChecksTheRegistryAgainstTheArtifact(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	m := publishedtest.Publish(t, db, "names", publishedtest.NameModel(t, 1, 300, 3, false), 0.5)
	if _, err := published.Load(ctx, db, m); err != nil {
		t.Fatalf("an untouched version: %v", err)
	}
	for _, c := range []struct {
		name, sql, want string
	}{
		{"algo", `UPDATE models SET algo = 'rf' WHERE id = $1`, "the registry says algo rf"},
		{"manifest algo", `UPDATE models SET manifest = jsonb_set(manifest, '{algo}', '"lstm"') WHERE id = $1`, "the manifest says algo lstm"},
		{"manifest feature set", `UPDATE models SET manifest = jsonb_set(manifest, '{feature_set}', '"domain"') WHERE id = $1`, "the manifest says feature set domain"},
		{"manifest checksum", `UPDATE models SET manifest = jsonb_set(manifest, '{sha256}', '"00"') WHERE id = $1`, "the manifest says sha256 00"},
	} {
		if _, err := db.Pool().Exec(ctx, c.sql, m.ID); err != nil {
			t.Fatal(err)
		}
		row, err := db.ModelByID(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = published.Load(ctx, db, row)
		if mlctl.ErrorCode(err) != mlctl.ECORRUPT || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a corrupt error saying %q", c.name, err, c.want)
		}
		if _, err := db.Pool().Exec(ctx, `UPDATE models SET algo = 'gbdt', manifest = $2 WHERE id = $1`, m.ID, []byte(m.Manifest)); err != nil {
			t.Fatal(err)
		}
	}
}
