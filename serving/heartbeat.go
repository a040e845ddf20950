package serving

import (
	"context"
	"log/slog"
	"time"

	"github.com/mlctl/mlctl/registry"
)

// Heartbeat writes the scorer's row in the registry every Interval, and at
// once (announced on registry.ScorerChannel) when Kick is called after an
// alias change was acted on.
type Heartbeat struct {
	DB       *registry.DB
	Beat     func() registry.ScorerBeat
	Interval time.Duration
	Log      *slog.Logger
	// Link, when set, hears of each beat's outcome; a beat that failed
	// because the registry is unreachable is not logged (the link says it
	// once).
	Link *RegistryLink

	kick chan struct{}
}

// NewHeartbeat returns a heartbeat; Beat describes the scorer's state now.
func NewHeartbeat(db *registry.DB, interval time.Duration, log *slog.Logger, beat func() registry.ScorerBeat) *Heartbeat {
	if interval <= 0 {
		interval = 2 * time.Second
	}
	return &Heartbeat{DB: db, Beat: beat, Interval: interval, Log: log, kick: make(chan struct{}, 1)}
}

// Kick asks for an announced heartbeat now.
func (h *Heartbeat) Kick() {
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// Run beats until ctx ends, then writes a last beat marking the scorer
// stopped (with its own short deadline).
func (h *Heartbeat) Run(ctx context.Context) {
	tick := time.NewTicker(h.Interval)
	defer tick.Stop()
	h.send(ctx, false, false)
	for {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			h.send(sctx, false, true)
			cancel()
			return
		case <-h.kick:
			h.send(ctx, true, false)
		case <-tick.C:
			h.send(ctx, false, false)
		}
	}
}

func (h *Heartbeat) send(ctx context.Context, announce, stopped bool) {
	b := h.Beat()
	b.Announce, b.Stopped = announce, stopped
	err := h.DB.Heartbeat(ctx, b)
	if ctx.Err() != nil {
		return
	}
	if err == nil {
		h.Link.observe(nil)
		return
	}
	if h.Link.failed(err) {
		h.Log.Warn("heartbeat failed", "error", err)
	}
}
