package serving

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/published"
	"github.com/mlctl/mlctl/registry"
)

// Watcher keeps a Holder on the model an alias points at: it LISTENs for
// alias changes (polling as the fallback), loads and verifies the new
// model, and swaps it in. A model that fails to load or verify is refused
// and the old one keeps serving.
//
// It keeps the Holder's shadow on the alias's open shadow too (see
// watchshadow.go): at every check, notified or polled.
type Watcher struct {
	DB     *registry.DB
	Alias  string
	Holder *Holder
	Log    *slog.Logger
	// Poll is the fallback check interval (default 2s).
	Poll time.Duration
	// Changed is called after each alias change was acted on (loaded or
	// refused), so the heartbeat can announce it at once.
	Changed func()
	// SampleSize is the capacity of the live sample each model put in
	// service keeps (0: none); SampleSeed seeds them (with the model id).
	SampleSize int
	SampleSeed uint64
	// ModelRetired is called with a model swapped out of service, and
	// ShadowRetired with a shadow no longer scored, so that what they
	// gathered last is recorded (Recorder).
	ModelRetired  func(*Model)
	ShadowRetired func(*Shadow)
	// Cache, when set, keeps every model put in service from the registry,
	// and serves the alias's while the registry does not answer and
	// nothing is in service (see watchcache.go). Link, when set, tells
	// whether the registry answers: Run waits for it to be ready, serving
	// the cached model meanwhile.
	Cache *ModelCache
	Link  *RegistryLink

	mu      sync.Mutex
	status  WatchStatus
	swaps   atomic.Uint64
	refused atomic.Uint64
	// shadowRefused counts open shadows whose challenger was refused;
	// refusedShadow is the last of them (not tried again), notShadowed
	// the last open shadow of another champion (logged once), and
	// stoppedShadow the last shadow stopped (its totals go on if its
	// champion comes back). Only Run's goroutine uses the last three.
	shadowRefused atomic.Uint64
	refusedShadow int64
	notShadowed   int64
	stoppedShadow *Shadow
	// spell is the model put in service from the cache and cacheErr why
	// the cached model was refused (under mu); cacheTried is set once the
	// cache was read (Run's goroutine only); cacheFailures counts saves
	// that failed.
	spell         cacheSpell
	cacheErr      string
	cacheTried    bool
	cacheFailures atomic.Uint64

	makeChecked, closeChecked sync.Once
	checked                   chan struct{}
}

// Checked is closed once the watcher has looked at the alias for the
// first time, and loaded its model if it could: a source that wants to
// know whether a model will be in service waits for it.
func (w *Watcher) Checked() <-chan struct{} {
	w.makeChecked.Do(func() { w.checked = make(chan struct{}) })
	return w.checked
}

// WatchStatus is what the watcher last did.
type WatchStatus struct {
	// ChangeID is the alias change acted on.
	ChangeID int64
	// RefusedModelID is the last model refused (0: none), LastError why.
	RefusedModelID int64
	LastError      string
}

// Status returns what the watcher last did.
func (w *Watcher) Status() WatchStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.status
}

// Swaps counts models swapped in; Refusals counts models refused;
// ShadowRefusals counts open shadows not shadowed because the challenger
// failed to load or verify or scores another kind of input.
func (w *Watcher) Swaps() uint64          { return w.swaps.Load() }
func (w *Watcher) Refusals() uint64       { return w.refused.Load() }
func (w *Watcher) ShadowRefusals() uint64 { return w.shadowRefused.Load() }

// Run follows the alias until ctx ends (once the registry is ready: see
// Link).
func (w *Watcher) Run(ctx context.Context) error {
	if !w.waitRegistry(ctx) {
		return nil
	}
	poll := w.Poll
	if poll <= 0 {
		poll = 2 * time.Second
	}
	for {
		wake, stop, err := w.DB.Listen(ctx, registry.AliasChannel)
		if err != nil && ctx.Err() == nil {
			w.Link.observe(err)
			if !registry.Unreachable(err) {
				w.Log.Warn("listen for alias changes failed; polling", "error", err)
			}
		}
		w.check(ctx)
		tick := time.NewTicker(poll)
	loop:
		for {
			select {
			case <-ctx.Done():
				tick.Stop()
				if stop != nil {
					stop()
				}
				return nil
			case alias, ok := <-wake:
				if !ok {
					break loop // the listening connection died: reconnect
				}
				if alias == w.Alias {
					w.check(ctx)
				}
			case <-tick.C:
				w.check(ctx)
				if wake == nil {
					break loop // LISTEN failed earlier: try again
				}
			}
		}
		tick.Stop()
		if stop != nil {
			stop()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
}

// check acts on the alias's current target if it is a change not yet
// acted on, then on its open shadow.
func (w *Watcher) check(ctx context.Context) {
	defer w.markChecked()
	w.checkAlias(ctx)
	w.checkShadow(ctx)
}

// markChecked closes Checked (once).
func (w *Watcher) markChecked() { w.closeChecked.Do(func() { w.Checked(); close(w.checked) }) }

// checkAlias acts on the alias's current target if it is a change not yet
// acted on.
func (w *Watcher) checkAlias(ctx context.Context) {
	a, err := w.DB.GetAlias(ctx, w.Alias)
	if ctx.Err() == nil {
		w.Link.observe(err)
	}
	if err != nil {
		switch {
		case ctx.Err() != nil || mlctl.ErrorCode(err) == mlctl.ENOTFOUND:
		case registry.Unreachable(err):
			if w.Holder.Get() == nil {
				w.serveCached(ctx)
			}
		default:
			w.Log.Warn("read alias", "alias", w.Alias, "error", err)
		}
		return
	}
	if a.ChangeID == w.Status().ChangeID {
		return
	}
	if cur := w.Holder.Get(); cur != nil && cur.ID == a.Model.ID && cur.SHA256 == a.Model.SHA256 {
		w.confirmCached(a, cur)
		w.acted(a.ChangeID, 0, "")
		return
	}
	m, data, err := loadFrom(ctx, w.DB, a.Model)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		w.refused.Add(1)
		keep := "nothing"
		if cur := w.Holder.Get(); cur != nil {
			keep = cur.Ref()
		}
		w.Log.Error("refused model; keeping the one in service", "alias", w.Alias, "model", a.Model.Ref(), "serving", keep, "error", err)
		w.acted(a.ChangeID, a.Model.ID, err.Error())
		return
	}
	m.ChangeID = a.ChangeID
	m.Sample = NewLiveSample(m, w.SampleSize, w.SampleSeed^uint64(m.ID)*0x9e3779b97f4a7c15)
	old := w.Holder.Swap(m)
	w.swaps.Add(1)
	from := "nothing"
	if old != nil {
		from = old.Ref()
		w.replacedCached(old)
		if w.ModelRetired != nil {
			w.ModelRetired(old)
		}
	}
	w.Log.Info("model swapped", "alias", w.Alias, "from", from, "to", m.Ref(), "sha256", m.SHA256)
	w.acted(a.ChangeID, 0, "")
	w.cacheModel(a, data)
}

func (w *Watcher) acted(change, refused int64, msg string) {
	w.mu.Lock()
	w.status = WatchStatus{ChangeID: change, RefusedModelID: refused, LastError: msg}
	w.mu.Unlock()
	if w.Changed != nil {
		w.Changed()
	}
}

// Load reads a model version from the registry, verifies its SHA-256 and
// prepares it for scoring.
func Load(ctx context.Context, db *registry.DB, m *registry.Model) (*Model, error) {
	lm, _, err := loadFrom(ctx, db, m)
	return lm, err
}

// loadFrom is Load from any store of artifacts (the registry, or the bytes of
// the model cache), returning the verified bytes too.
func loadFrom(ctx context.Context, st published.Store, m *registry.Model) (*Model, []byte, error) {
	l, err := published.Load(ctx, st, m)
	if err != nil {
		return nil, nil, err
	}
	sc, err := artifact.NewScorer(l.Artifact)
	if err != nil {
		return nil, nil, fmt.Errorf("model %s: %w", m.Ref(), err)
	}
	return &Model{ID: m.ID, Name: m.Name, Version: m.Version, Algo: string(l.Artifact.Algo), SHA256: m.SHA256, Threshold: l.Manifest.Threshold,
		ClientThreshold: l.Manifest.ClientThreshold,
		Scorer:          sc, LoadedAt: time.Now()}, l.Bytes, nil
}
