package serving

import (
	"context"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/registry"
)

// The watcher and the model cache: every model the watcher puts in service
// from the registry is saved in the cache (Watcher.Cache); while the
// registry does not answer and nothing is in service, the alias's cached
// model is loaded, verified as a published one is, and served until the
// registry answers and confirms it or names another.

// cacheSpell is the model the watcher put in service from the cache.
type cacheSpell struct {
	model *Model
	// since is when it was put in service; until when the registry
	// confirmed it or another model replaced it (zero: neither yet).
	since, until time.Time
}

// CacheSpellCounts is, in a heartbeat's counters, the model a scorer
// served from its local cache while the registry did not answer: MODEL@V,
// its SHA-256, since when and until when (nil: still).
type CacheSpellCounts struct {
	Model  string     `json:"model"`
	SHA256 string     `json:"sha256"`
	Since  time.Time  `json:"since"`
	Until  *time.Time `json:"until,omitempty"`
}

// cachedArtifact is a published.Store over bytes read from the cache, so
// they are verified and decoded by the same code as the registry's.
type cachedArtifact []byte

func (c cachedArtifact) Artifact(context.Context, int64) ([]byte, string, error) {
	return c, artifact.SHA256(c), nil
}

// waitRegistry, while the registry has not answered since the start,
// serves the alias's cached model (if any) and waits for the registry to
// be ready; it is false when ctx ended first.
func (w *Watcher) waitRegistry(ctx context.Context) bool {
	if w.Link == nil || w.Link.isReady() {
		return true
	}
	w.serveCached(ctx)
	w.markChecked()
	select {
	case <-ctx.Done():
		return false
	case <-w.Link.Ready():
		return true
	}
}

// serveCached puts the alias's cached model in service, once: the
// artifact hashed again and refused unless its SHA-256 is the one the
// registry published, then verified against the cached registry row and
// decoded as Load does. A refusal is logged and counted, and the scorer
// serves nothing until the registry answers.
func (w *Watcher) serveCached(ctx context.Context) {
	if w.Cache == nil || w.cacheTried {
		return
	}
	w.cacheTried = true
	_, why, _ := w.Link.State()
	rec, data, err := w.Cache.Load(w.Alias)
	var m *Model
	if err == nil {
		m, _, err = loadFrom(ctx, cachedArtifact(data), rec.Model)
	}
	if err != nil {
		if mlctl.ErrorCode(err) == mlctl.ENOTFOUND {
			w.Log.Warn("registry unreachable and no model cached for the alias; serving nothing until the registry answers",
				"alias", w.Alias, "cache", w.Cache.Dir(), "registry_error", why)
			return
		}
		w.refused.Add(1)
		var id int64
		if rec != nil {
			id = rec.Model.ID
		}
		w.mu.Lock()
		w.status.RefusedModelID, w.status.LastError, w.cacheErr = id, "cached model refused: "+err.Error(), err.Error()
		w.mu.Unlock()
		w.Log.Error("registry unreachable and the cached model is refused; serving nothing until the registry answers",
			"alias", w.Alias, "cache", w.Cache.Dir(), "error", err, "registry_error", why)
		return
	}
	m.ChangeID = rec.ChangeID
	m.Sample = NewLiveSample(m, w.SampleSize, w.SampleSeed^uint64(m.ID)*0x9e3779b97f4a7c15)
	w.Holder.Swap(m)
	w.swaps.Add(1)
	w.mu.Lock()
	w.spell = cacheSpell{model: m, since: m.LoadedAt}
	w.mu.Unlock()
	w.Log.Warn("registry unreachable; serving model "+m.Ref()+" from the local cache (verified SHA-256 "+m.SHA256+")",
		"alias", w.Alias, "model", m.Ref(), "sha256", m.SHA256, "verified_with_registry_at", rec.VerifiedAt.Format(time.RFC3339),
		"cache", w.Cache.Dir(), "registry_error", why)
	if w.Changed != nil {
		w.Changed()
	}
}

// confirmCached is told that the alias, read from the registry, points at
// cur, the model in service: if cur came from the cache, it is confirmed
// (not loaded again) and its record refreshed.
func (w *Watcher) confirmCached(a *registry.Alias, cur *Model) {
	w.mu.Lock()
	mine := w.spell.model == cur && w.spell.until.IsZero()
	if mine {
		w.spell.until = time.Now()
	}
	w.mu.Unlock()
	if !mine {
		return
	}
	w.Log.Info("registry reachable; the alias still points at the cached model in service: confirmed, not reloaded",
		"alias", w.Alias, "model", cur.Ref(), "sha256", cur.SHA256, "change", a.ChangeID)
	w.cacheModel(a, nil)
}

// replacedCached is told that old was swapped out of service.
func (w *Watcher) replacedCached(old *Model) {
	w.mu.Lock()
	if w.spell.model != nil && w.spell.model == old && w.spell.until.IsZero() {
		w.spell.until = time.Now()
	}
	w.mu.Unlock()
}

// cacheModel saves the alias's model, just verified with the registry, in
// the cache (data nil: its artifact is there already). A failure is logged
// and counted; serving goes on.
func (w *Watcher) cacheModel(a *registry.Alias, data []byte) {
	if w.Cache == nil {
		return
	}
	rec := CachedModel{Alias: w.Alias, ChangeID: a.ChangeID, Model: a.Model, VerifiedAt: time.Now().UTC()}
	if err := w.Cache.Save(rec, data); err != nil {
		w.cacheFailures.Add(1)
		w.Log.Warn("could not cache the model in service (it serves all the same; a start without the registry could not serve it)",
			"alias", w.Alias, "model", a.Model.Ref(), "error", err)
	}
}

// FromCache reports whether m is a model put in service from the cache
// that the registry has not confirmed yet, and since when it serves.
func (w *Watcher) FromCache(m *Model) (since time.Time, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if m == nil || w.spell.model != m || !w.spell.until.IsZero() {
		return time.Time{}, false
	}
	return w.spell.since, true
}

// CacheError is why the cached model was refused ("" when it was not).
func (w *Watcher) CacheError() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.cacheErr
}

// CacheWriteFailures counts models put in service that could not be saved
// in the cache.
func (w *Watcher) CacheWriteFailures() uint64 { return w.cacheFailures.Load() }

// cacheSpellCounts describes the model served from the cache (nil: none).
func (w *Watcher) cacheSpellCounts() *CacheSpellCounts {
	w.mu.Lock()
	defer w.mu.Unlock()
	sp := w.spell
	if sp.model == nil {
		return nil
	}
	c := &CacheSpellCounts{Model: sp.model.Ref(), SHA256: sp.model.SHA256, Since: sp.since.UTC()}
	if !sp.until.IsZero() {
		u := sp.until.UTC()
		c.Until = &u
	}
	return c
}
