package serving

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/mlctl/mlctl/registry"
)

// Recorder writes into the registry what the scorer learns on live
// traffic: the stats of the shadow it scores (every StatsEvery) and the
// live sample of the model in service (every SampleEvery), each only when
// it changed. What the watcher takes out of service (a shadow stopped, a
// model swapped out) is written once more soon after, and everything once
// more at shutdown.
type Recorder struct {
	DB       *registry.DB
	Holder   *Holder
	ScorerID string
	Log      *slog.Logger
	// StatsEvery is the shadow stats interval (default 2s); SampleEvery the
	// live sample interval (default 10s).
	StatsEvery, SampleEvery time.Duration
	// Link, when set, hears of failed writes; one that failed because the
	// registry is unreachable is not logged (the link says it once).
	Link *RegistryLink

	mu sync.Mutex
	// retiredShadows are written until a flush finds nothing new in them
	// (a batch that took the shadow just before it stopped may still add);
	// retiredModels are written once.
	retiredShadows []*Shadow
	retiredModels  []*Model
	kick           chan struct{}
	makeKick       sync.Once
	// last is the model in service at the last sample flush (Run's own).
	last *Model
}

// RetireShadow is told of a shadow the watcher stopped scoring: its last
// stats are written at once.
func (r *Recorder) RetireShadow(s *Shadow) {
	r.mu.Lock()
	r.retiredShadows = append(r.retiredShadows, s)
	r.mu.Unlock()
	r.wake()
}

// RetireModel is told of a model swapped out of service: its live sample
// is written at once.
func (r *Recorder) RetireModel(m *Model) {
	if m == nil || m.Sample == nil {
		return
	}
	r.mu.Lock()
	r.retiredModels = append(r.retiredModels, m)
	r.mu.Unlock()
	r.wake()
}

func (r *Recorder) kicks() chan struct{} {
	r.makeKick.Do(func() { r.kick = make(chan struct{}, 1) })
	return r.kick
}

func (r *Recorder) wake() {
	select {
	case r.kicks() <- struct{}{}:
	default:
	}
}

// Run writes until ctx ends, then writes everything once more (with its
// own short deadline). Stop it after the last input was scored.
func (r *Recorder) Run(ctx context.Context) {
	statsEvery, sampleEvery := r.StatsEvery, r.SampleEvery
	if statsEvery <= 0 {
		statsEvery = 2 * time.Second
	}
	if sampleEvery <= 0 {
		sampleEvery = 10 * time.Second
	}
	stats, samples := time.NewTicker(statsEvery), time.NewTicker(sampleEvery)
	defer stats.Stop()
	defer samples.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			r.flushShadows(fctx)
			r.flushSamples(fctx)
			cancel()
			return
		case <-r.kicks():
			r.flushShadows(ctx)
			r.flushRetiredModels(ctx)
		case <-stats.C:
			r.flushShadows(ctx)
		case <-samples.C:
			r.flushSamples(ctx)
		}
	}
}

// flushShadows writes the stats of the shadow being scored and of those
// retired, where they changed.
func (r *Recorder) flushShadows(ctx context.Context) {
	r.mu.Lock()
	retired := r.retiredShadows
	r.retiredShadows = nil
	r.mu.Unlock()
	var keep []*Shadow
	for _, s := range retired {
		if r.saveShadow(ctx, s) {
			keep = append(keep, s) // once more, for stragglers
		}
	}
	if s := r.Holder.Shadow(); s != nil {
		r.saveShadow(ctx, s)
	}
	if len(keep) > 0 {
		r.mu.Lock()
		r.retiredShadows = append(r.retiredShadows, keep...)
		r.mu.Unlock()
	}
}

// saveShadow writes s's stats if they changed, and reports whether they
// had (a failed write is retried at the next flush).
func (r *Recorder) saveShadow(ctx context.Context, s *Shadow) bool {
	st, changed := s.pending()
	if !changed {
		return false
	}
	st.ScorerID = r.ScorerID
	if err := r.DB.SaveShadowStats(ctx, st); err != nil {
		s.unwritten()
		if ctx.Err() == nil && r.Link.failed(err) {
			r.Log.Warn("record shadow stats", "shadow", s.ID, "error", err)
		}
	}
	return true
}

// flushSamples writes the live sample of the model in service, and the
// last one of the models taken out of service since the last flush.
func (r *Recorder) flushSamples(ctx context.Context) {
	r.flushRetiredModels(ctx)
	cur := r.Holder.Get()
	if r.last != nil && r.last != cur {
		r.saveSample(ctx, r.last) // if RetireModel was not told of it
	}
	r.last = cur
	if cur != nil {
		r.saveSample(ctx, cur)
	}
}

func (r *Recorder) flushRetiredModels(ctx context.Context) {
	r.mu.Lock()
	retired := r.retiredModels
	r.retiredModels = nil
	r.mu.Unlock()
	for _, m := range retired {
		r.saveSample(ctx, m)
	}
}

// saveSample writes m's live sample if vectors were offered to it since
// it was last written.
func (r *Recorder) saveSample(ctx context.Context, m *Model) {
	if m.Sample == nil {
		return
	}
	ls, changed := m.Sample.pending()
	if !changed {
		return
	}
	ls.ScorerID = r.ScorerID
	if err := r.DB.SaveLiveSample(ctx, ls); err != nil {
		m.Sample.unwritten()
		if ctx.Err() == nil && r.Link.failed(err) {
			r.Log.Warn("record live sample", "model", m.Ref(), "error", err)
		}
	}
}
