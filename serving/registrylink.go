package serving

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/mlctl/mlctl/registry"
)

// StartRegistry readies the registry for a scorer: it checks that it
// answers (within pingTimeout) and applies the migrations. It returns nil
// when both succeeded; an error registry.Unreachable recognises when the
// registry did not answer, with which the scorer starts all the same (see
// Config.RegistryDown); any other error, a migration that failed on a
// registry that answers, must stop the start.
func StartRegistry(ctx context.Context, db *registry.DB) error {
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	err := db.Ping(pctx)
	cancel()
	if err != nil {
		return err
	}
	_, err = db.Migrate(ctx)
	return err
}

// pingTimeout bounds StartRegistry's check that the registry answers.
const pingTimeout = 10 * time.Second

// RegistryLink is a scorer's view of whether the registry answers.
//
// A scorer that started while it did not (Config.RegistryDown) is not
// ready: Run retries StartRegistry until it succeeds, then closes Ready.
// What reads or writes the registry waits for Ready (the alias watcher,
// the heartbeat, the recorder, the pruning of old scorer rows), so the
// migrations run before the first write, and the watcher serves the cached
// model meanwhile. Once ready, the watcher's reads of the alias keep the
// link's state current through an outage at run time.
type RegistryLink struct {
	db    *registry.DB
	log   *slog.Logger
	retry time.Duration
	ready chan struct{}

	mu    sync.Mutex
	up    bool
	err   string    // why it is down, or why it could not be made ready
	since time.Time // when up last changed
}

// newRegistryLink returns the link of a scorer whose start found the
// registry unreachable with error down (nil: it answered and is migrated);
// a link not ready retries every retry (default 2s).
func newRegistryLink(db *registry.DB, log *slog.Logger, down error, retry time.Duration) *RegistryLink {
	if retry <= 0 {
		retry = 2 * time.Second
	}
	l := &RegistryLink{db: db, log: log, retry: retry, ready: make(chan struct{}), up: down == nil, since: time.Now()}
	if down != nil {
		l.err = down.Error()
	} else {
		close(l.ready)
	}
	return l
}

// Ready is closed once the registry has answered and is migrated.
func (l *RegistryLink) Ready() <-chan struct{} { return l.ready }

// isReady reports whether Ready is closed.
func (l *RegistryLink) isReady() bool {
	select {
	case <-l.ready:
		return true
	default:
		return false
	}
}

// Run readies the registry, retrying until it answers and its migrations
// succeed, then closes Ready; it returns then, or when ctx ends. A link
// ready from the start returns at once.
func (l *RegistryLink) Run(ctx context.Context) {
	if l.isReady() {
		return
	}
	logged := ""
	for {
		err := StartRegistry(ctx, l.db)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			l.mu.Lock()
			down := time.Since(l.since).Round(time.Millisecond)
			l.up, l.err, l.since = true, "", time.Now()
			l.mu.Unlock()
			l.log.Info("registry reachable; migrations applied, catching up", "unreachable_for", down.String())
			close(l.ready)
			return
		}
		l.mu.Lock()
		l.err = err.Error()
		l.mu.Unlock()
		if msg := err.Error(); msg != logged && !registry.Unreachable(err) {
			l.log.Error("the registry answers but cannot be readied; retrying", "error", err, "retry", l.retry.String())
			logged = msg
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(l.retry):
		}
	}
}

// observe takes the outcome of a read of the registry: an error
// registry.Unreachable recognises marks it down, anything else (nil, or an
// error the registry answered with) up; a change is logged. Callers leave
// out reads cut short by their context ending.
func (l *RegistryLink) observe(err error) {
	if l == nil {
		return
	}
	down := registry.Unreachable(err)
	l.mu.Lock()
	was := l.up
	l.up = !down
	if down {
		l.err = err.Error()
	} else {
		l.err = ""
	}
	if was != l.up {
		l.since = time.Now()
	}
	l.mu.Unlock()
	switch {
	case was && down:
		l.log.Warn("registry unreachable; the model in service keeps serving", "error", err)
	case !was && !down:
		l.log.Info("registry reachable again")
	}
}

// failed observes err, a write or read of the registry that failed, and
// reports whether the caller should log it: not when the registry is
// unreachable (the link logs that once, when it goes down), so an outage
// is one warning, not one per heartbeat.
func (l *RegistryLink) failed(err error) bool {
	l.observe(err)
	return !registry.Unreachable(err)
}

// State is whether the registry answers, why not, and since when (a nil
// link: it answers).
func (l *RegistryLink) State() (up bool, why string, since time.Time) {
	if l == nil {
		return true, "", time.Time{}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.up, l.err, l.since
}
