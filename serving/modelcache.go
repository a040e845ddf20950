package serving

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/internal/atomicfile"
	"github.com/mlctl/mlctl/registry"
)

// ModelCache keeps, under a scorer's state directory (<state-dir>/models),
// what it needs to serve the model it last verified from the registry
// again without the registry: the artifact's bytes, named by their SHA-256
// (<sha256>.artifact), and one record per alias (alias-<alias>.json)
// naming the model version its scorer last put in service.
//
// Every file is written to a temporary file in the directory, synced and
// renamed over the old one (and the directory synced), so a crash leaves
// the old file or the new one, never part of one. Each save removes the
// artifacts no record names: the cache holds one model per alias. Scorers
// of several aliases may share the directory; a lock file serialises
// their saves.
type ModelCache struct {
	dir string
}

// CachedModel is an alias's record in a ModelCache: the model version its
// scorer last verified and put in service.
type CachedModel struct {
	Alias string `json:"alias"`
	// ChangeID is the alias change that put the model in service.
	ChangeID int64 `json:"change_id"`
	// Model is the version's registry row, manifest included: the
	// artifact is verified and loaded against it as against the registry.
	Model *registry.Model `json:"model"`
	// VerifiedAt is when the scorer last verified the model with the
	// registry (loaded it, or found the alias still on it).
	VerifiedAt time.Time `json:"verified_at"`
}

// modelCacheDir is the cache's directory under the state directory.
const modelCacheDir = "models"

// NewModelCache returns the cache under stateDir; its directory is made
// at the first save.
func NewModelCache(stateDir string) *ModelCache {
	return &ModelCache{dir: filepath.Join(stateDir, modelCacheDir)}
}

// Dir is the cache's directory.
func (c *ModelCache) Dir() string { return c.dir }

// ArtifactPath is where the artifact of SHA-256 sha is kept.
func (c *ModelCache) ArtifactPath(sha string) string { return filepath.Join(c.dir, sha+".artifact") }

// RecordPath is where the record of alias is kept.
func (c *ModelCache) RecordPath(alias string) string {
	return filepath.Join(c.dir, "alias-"+alias+".json")
}

// Save records rec as its alias's model in service, with data the
// artifact's bytes: written unless the file of that SHA-256 already holds
// them. With nil data the file must already hold them (the model was
// loaded from the cache and the registry has just confirmed it). Then the
// artifacts no record names are removed.
func (c *ModelCache) Save(rec CachedModel, data []byte) error {
	if err := registry.ValidAliasName(rec.Alias); err != nil {
		return fmt.Errorf("model cache: %w", err)
	}
	if rec.Model == nil || !validSHA256(rec.Model.SHA256) {
		return fmt.Errorf("model cache: the record of alias %s names no model with a valid SHA-256", rec.Alias)
	}
	sha := rec.Model.SHA256
	if data != nil && artifact.SHA256(data) != sha {
		return mlctl.Errorf(mlctl.ECORRUPT, "model cache: the bytes of %s do not have its SHA-256 %s; not cached", rec.Model.Ref(), sha)
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return fmt.Errorf("model cache: %w", err)
	}
	unlock, err := c.lock()
	if err != nil {
		return err
	}
	defer unlock()
	path := c.ArtifactPath(sha)
	if have, err := os.ReadFile(path); err != nil || artifact.SHA256(have) != sha {
		if data == nil {
			return mlctl.Errorf(mlctl.ECORRUPT, "model cache: %s does not hold the artifact of %s (SHA-256 %s)", path, rec.Model.Ref(), sha)
		}
		if err := atomicfile.Write(path, data); err != nil {
			return fmt.Errorf("model cache: artifact of %s: %w", rec.Model.Ref(), err)
		}
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("model cache: record of alias %s: %w", rec.Alias, err)
	}
	if err := atomicfile.Write(c.RecordPath(rec.Alias), append(b, '\n')); err != nil {
		return fmt.Errorf("model cache: record of alias %s: %w", rec.Alias, err)
	}
	return c.prune()
}

// Load reads alias's record and its artifact's bytes, hashed again: bytes
// whose SHA-256 is not the record's are refused (ECORRUPT), as a missing
// or unreadable artifact is. Without a record the error is ENOTFOUND.
func (c *ModelCache) Load(alias string) (*CachedModel, []byte, error) {
	if err := registry.ValidAliasName(alias); err != nil {
		return nil, nil, err
	}
	path := c.RecordPath(alias)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, mlctl.Errorf(mlctl.ENOTFOUND, "no model of alias %s is cached in %s", alias, c.dir)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("model cache: %w", err)
	}
	var rec CachedModel
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, nil, mlctl.Errorf(mlctl.ECORRUPT, "model cache: %s: %v", path, err)
	}
	if rec.Alias != alias || rec.Model == nil || !validSHA256(rec.Model.SHA256) {
		return nil, nil, mlctl.Errorf(mlctl.ECORRUPT, "model cache: %s is not a record of alias %s naming a model and its SHA-256", path, alias)
	}
	apath := c.ArtifactPath(rec.Model.SHA256)
	data, err := os.ReadFile(apath)
	if err != nil {
		return nil, nil, mlctl.Errorf(mlctl.ECORRUPT, "model cache: the artifact of %s: %v", rec.Model.Ref(), err)
	}
	if got := artifact.SHA256(data); got != rec.Model.SHA256 {
		return nil, nil, mlctl.Errorf(mlctl.ECORRUPT, "model cache: %s has SHA-256 %s, not the published %s of %s: refusing it",
			apath, got, rec.Model.SHA256, rec.Model.Ref())
	}
	return &rec, data, nil
}

// prune removes the artifacts no alias record names and temporary files
// left by a save that did not finish (saves hold the lock, so none is
// under way). A record that does not decode names nothing.
func (c *ModelCache) prune() error {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return fmt.Errorf("model cache: prune: %w", err)
	}
	keep := map[string]bool{}
	for _, e := range entries {
		if name := e.Name(); strings.HasPrefix(name, "alias-") && strings.HasSuffix(name, ".json") {
			var rec CachedModel
			if b, err := os.ReadFile(filepath.Join(c.dir, name)); err == nil && json.Unmarshal(b, &rec) == nil && rec.Model != nil {
				keep[rec.Model.SHA256+".artifact"] = true
			}
		}
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if (strings.HasSuffix(name, ".artifact") && !keep[name]) || strings.HasPrefix(name, atomicfile.TempPrefix) {
			if err := os.Remove(filepath.Join(c.dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("model cache: prune: %w", err)
	}
	return nil
}

// lock takes the cache's lock file, waiting for another scorer's save.
func (c *ModelCache) lock() (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(c.dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("model cache: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("model cache: lock %s: %w", f.Name(), err)
	}
	return func() { f.Close() }, nil // closing the file releases the lock
}

// validSHA256 reports whether s is a SHA-256 in lowercase hex (so it can
// name a file).
func validSHA256(s string) bool {
	if len(s) != 64 || strings.ToLower(s) != s {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}
