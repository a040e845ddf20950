package serving

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/internal/atomicfile"
	"github.com/mlctl/mlctl/registry"
)

// cacheEntry is a record of alias naming model id, version v, whose
// artifact is data.
func cacheEntry(alias string, id int64, v int, data string) (CachedModel, []byte) {
	sha := artifact.SHA256([]byte(data))
	return CachedModel{Alias: alias, ChangeID: 10 + id, VerifiedAt: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC),
		Model: &registry.Model{ID: id, Name: "dga", Version: v, Algo: "gbdt", SHA256: sha, Size: int64(len(data)),
			Manifest: json.RawMessage(`{"threshold":0.7,"client_threshold":0.4}`), DatasetVersions: []string{"corpus@1"},
			WorkflowID: "train-dga", CreatedAt: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)}}, []byte(data)
}

// cacheFiles lists the names in the cache's directory.
func cacheFiles(t *testing.T, c *ModelCache) []string {
	t.Helper()
	entries, err := os.ReadDir(c.Dir())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestModelCacheRoundTrip(t *testing.T) {
	c := NewModelCache(filepath.Join(t.TempDir(), "state"))
	if _, _, err := c.Load("production"); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("load from an empty cache: %v, want not found", err)
	}
	rec, data := cacheEntry("production", 3, 2, `{"artifact":"bytes of dga@2"}`)
	if err := c.Save(rec, data); err != nil {
		t.Fatal(err)
	}
	got, gotData, err := c.Load("production")
	if err != nil {
		t.Fatal(err)
	}
	gotJSON, _ := json.Marshal(got)
	recJSON, _ := json.Marshal(rec)
	if string(gotJSON) != string(recJSON) || string(gotData) != string(data) {
		t.Fatalf("loaded %+v %q, saved %+v %q", got, gotData, rec, data)
	}
	want := []string{".lock", rec.Model.SHA256 + ".artifact", "alias-production.json"}
	if names := cacheFiles(t, c); !sameNames(names, want) {
		t.Fatalf("cache holds %v, want %v", names, want)
	}
	// Confirmed by the registry: the record is refreshed, the artifact
	// (there already) is not needed again.
	rec.ChangeID, rec.VerifiedAt = 99, rec.VerifiedAt.Add(time.Hour)
	if err := c.Save(rec, nil); err != nil {
		t.Fatal(err)
	}
	if got, _, err := c.Load("production"); err != nil || got.ChangeID != 99 {
		t.Fatalf("after a refresh: %+v %v", got, err)
	}
	info, err := os.Stat(c.Dir())
	if err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("cache directory %v %v, want mode 0700", info, err)
	}
}

func TestModelCacheRefusesACorruptedArtifact(t *testing.T) {
	c := NewModelCache(t.TempDir())
	rec, data := cacheEntry("production", 3, 2, `{"artifact":"bytes of dga@2"}`)
	if err := c.Save(rec, data); err != nil {
		t.Fatal(err)
	}
	path := c.ArtifactPath(rec.Model.SHA256)
	bad := []byte(strings.Replace(string(data), "dga@2", "dga@3", 1))
	if err := os.WriteFile(path, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Load("production")
	if mlctl.ErrorCode(err) != mlctl.ECORRUPT || !strings.Contains(err.Error(), "SHA-256 "+artifact.SHA256(bad)) ||
		!strings.Contains(err.Error(), rec.Model.SHA256) {
		t.Fatalf("load of a corrupted artifact: %v, want a corrupt error naming both SHA-256s", err)
	}
	// A refresh without the bytes cannot vouch for the corrupted file ...
	if err := c.Save(rec, nil); mlctl.ErrorCode(err) != mlctl.ECORRUPT {
		t.Fatalf("refresh over a corrupted artifact: %v", err)
	}
	// ... a save with them mends it.
	if err := c.Save(rec, data); err != nil {
		t.Fatal(err)
	}
	if _, got, err := c.Load("production"); err != nil || string(got) != string(data) {
		t.Fatalf("after mending: %q %v", got, err)
	}
	os.Remove(path)
	if _, _, err := c.Load("production"); mlctl.ErrorCode(err) != mlctl.ECORRUPT {
		t.Fatalf("load with the artifact gone: %v", err)
	}
	// Bytes that are not the record's are never cached.
	other, _ := cacheEntry("staging", 4, 3, "x")
	if err := c.Save(other, data); mlctl.ErrorCode(err) != mlctl.ECORRUPT {
		t.Fatalf("save of bytes with another SHA-256: %v", err)
	}
	if _, _, err := c.Load("staging"); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("a refused save left a record: %v", err)
	}
	// A record that is not JSON, or of another alias, is refused.
	os.WriteFile(c.RecordPath("staging"), []byte(`{"alias":`), 0o600)
	if _, _, err := c.Load("staging"); mlctl.ErrorCode(err) != mlctl.ECORRUPT {
		t.Fatalf("load of a truncated record: %v", err)
	}
	b, _ := os.ReadFile(c.RecordPath("production"))
	os.WriteFile(c.RecordPath("staging"), b, 0o600)
	if _, _, err := c.Load("staging"); mlctl.ErrorCode(err) != mlctl.ECORRUPT {
		t.Fatalf("load of another alias's record: %v", err)
	}
}

// TestModelCacheWritesAtomically: a save that fails leaves the cache as it
// was, with no temporary file; a temporary file a crashed save left is
// never read and the next save removes it.
func TestModelCacheWritesAtomically(t *testing.T) {
	c := NewModelCache(t.TempDir())
	rec1, data1 := cacheEntry("production", 1, 1, "artifact one")
	if err := c.Save(rec1, data1); err != nil {
		t.Fatal(err)
	}
	rec2, data2 := cacheEntry("production", 2, 2, "artifact two")
	// The artifact's name is taken by a directory: its rename fails.
	if err := os.Mkdir(c.ArtifactPath(rec2.Model.SHA256), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(rec2, data2); err == nil {
		t.Fatal("a save whose artifact cannot be renamed into place succeeded")
	}
	if got, data, err := c.Load("production"); err != nil || got.Model.ID != 1 || string(data) != string(data1) {
		t.Fatalf("after a failed save the cache serves %+v %q %v, want model 1", got, data, err)
	}
	for _, name := range cacheFiles(t, c) {
		if strings.HasPrefix(name, atomicfile.TempPrefix) {
			t.Fatalf("a failed save left %s", name)
		}
	}
	os.Remove(c.ArtifactPath(rec2.Model.SHA256))

	// A crash mid-write leaves a partial temporary file beside the record.
	partial := filepath.Join(c.Dir(), atomicfile.TempPrefix+"alias-production.json-123")
	os.WriteFile(partial, []byte(`{"alias":"production","model":{"id":2`), 0o600)
	if got, _, err := c.Load("production"); err != nil || got.Model.ID != 1 {
		t.Fatalf("with a partial write beside it the cache serves %+v %v", got, err)
	}
	if err := c.Save(rec2, data2); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(partial); !os.IsNotExist(err) {
		t.Fatalf("the next save left the partial write: %v", err)
	}
	if got, _, err := c.Load("production"); err != nil || got.Model.ID != 2 {
		t.Fatalf("after the save the cache serves %+v %v", got, err)
	}
}

// TestModelCachePrunes: the cache keeps the artifacts alias records name,
// one per alias, and refuses names that are not an alias or a SHA-256.
func TestModelCachePrunes(t *testing.T) {
	c := NewModelCache(t.TempDir())
	r1, d1 := cacheEntry("production", 1, 1, "one")
	r2, d2 := cacheEntry("production", 2, 2, "two")
	r3, d3 := cacheEntry("staging", 3, 3, "three")
	s1 := r1
	s1.Alias = "staging"
	for _, save := range []struct {
		rec  CachedModel
		data []byte
	}{{r1, d1}, {s1, d1}, {r2, d2}} {
		if err := c.Save(save.rec, save.data); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{".lock", r1.Model.SHA256 + ".artifact", r2.Model.SHA256 + ".artifact", "alias-production.json", "alias-staging.json"}
	if names := cacheFiles(t, c); !sameNames(names, want) {
		t.Fatalf("with production on 2 and staging on 1 the cache holds %v, want %v", names, want)
	}
	if err := c.Save(r3, d3); err != nil {
		t.Fatal(err)
	}
	want = []string{".lock", r2.Model.SHA256 + ".artifact", r3.Model.SHA256 + ".artifact", "alias-production.json", "alias-staging.json"}
	if names := cacheFiles(t, c); !sameNames(names, want) {
		t.Fatalf("with production on 2 and staging on 3 the cache holds %v, want %v", names, want)
	}

	bad := r1
	bad.Alias = "../x"
	if err := c.Save(bad, d1); err == nil {
		t.Fatal("saved a record for alias ../x")
	}
	evil := *r1.Model
	evil.SHA256 = "../../etc/passwd"
	bad = r1
	bad.Model = &evil
	if err := c.Save(bad, d1); err == nil {
		t.Fatal("saved an artifact named ../../etc/passwd")
	}
	if _, _, err := c.Load("../x"); err == nil {
		t.Fatal("loaded alias ../x")
	}
}

// sameNames reports whether a and b hold the same names in any order.
func sameNames(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
