package serving

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
)

// Pipeline scores the queries of the streaming sources (Zeek logs, dnstap)
// in micro-batches: a bounded queue (a full queue drops and counts, never
// grows), batches of up to MaxBatch or MaxWait, alerts for scores at or
// above the model's threshold.
type Pipeline struct {
	holder   *Holder
	alerts   *AlertSink
	log      *slog.Logger
	queue    chan Query
	counters map[string]*SourceCounters
	maxBatch int
	maxWait  time.Duration
	// Explain is how many features an alert lists (default 5).
	explain int
	// warnKind logs once that the model in service cannot score names.
	warnKind sync.Once
}

// PipelineOptions size the pipeline.
type PipelineOptions struct {
	QueueSize int           // default 65536
	MaxBatch  int           // default 4096
	MaxWait   time.Duration // default 20ms
	Explain   int           // default 5
}

// NewPipeline returns a pipeline for the named sources.
func NewPipeline(h *Holder, alerts *AlertSink, log *slog.Logger, sources []string, o PipelineOptions) *Pipeline {
	if o.QueueSize <= 0 {
		o.QueueSize = 65536
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 4096
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 20 * time.Millisecond
	}
	if o.Explain <= 0 {
		o.Explain = 5
	}
	p := &Pipeline{holder: h, alerts: alerts, log: log, queue: make(chan Query, o.QueueSize),
		counters: map[string]*SourceCounters{}, maxBatch: o.MaxBatch, maxWait: o.MaxWait, explain: o.Explain}
	for _, s := range sources {
		p.counters[s] = &SourceCounters{}
	}
	return p
}

// Counters returns a source's counters (nil for a source not named at construction).
func (p *Pipeline) Counters(source string) *SourceCounters { return p.counters[source] }

// QueueLen is how many queries wait to be scored.
func (p *Pipeline) QueueLen() int { return len(p.queue) }

// Offer queues a query without blocking; a full queue drops it and counts
// the drop on its source.
func (p *Pipeline) Offer(q Query) {
	select {
	case p.queue <- q:
	default:
		if c := p.counters[q.Source]; c != nil {
			c.Dropped.Add(1)
		}
	}
}

// Close ends the input: Run scores what is queued and returns. Call it
// after every source has stopped.
func (p *Pipeline) Close() { close(p.queue) }

// Run scores batches until Close, then drains the queue. Before a model is
// loaded it waits (the queue fills and drops are counted) unless ctx ends.
func (p *Pipeline) Run(ctx context.Context) {
	batch := make([]Query, 0, p.maxBatch)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		q, ok := <-p.queue
		if !ok {
			return
		}
		batch = append(batch[:0], q)
		timer.Reset(p.maxWait)
	fill:
		for len(batch) < p.maxBatch {
			select {
			case q, ok := <-p.queue:
				if !ok {
					break fill
				}
				batch = append(batch, q)
			case <-timer.C:
				break fill
			}
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		p.score(ctx, batch)
	}
}

// score scores one batch and raises its alerts.
func (p *Pipeline) score(ctx context.Context, batch []Query) {
	m := p.holder.Get()
	for m == nil {
		select {
		case <-ctx.Done():
			// Shutting down before any model loaded: nothing can be scored.
			for _, q := range batch {
				if c := p.counters[q.Source]; c != nil {
					c.Dropped.Add(1)
				}
			}
			return
		case <-time.After(50 * time.Millisecond):
		}
		m = p.holder.Get()
	}
	if m.Scorer.TakesVectors() {
		// A flow or tabular model cannot score names: count them skipped.
		for _, q := range batch {
			if c := p.counters[q.Source]; c != nil {
				c.Skipped.Add(1)
			}
		}
		p.warnKind.Do(func() {
			p.log.Warn("the model in service scores vectors, not names: DNS queries are skipped until a domain-name model is promoted", "model", m.Ref(), "kind", m.Scorer.Kind())
		})
		return
	}
	names := make([]string, 0, len(batch))
	keep := batch[:0]
	var tally sourceTally
	for _, q := range batch {
		n, err := datasets.NormaliseDomain(q.Name)
		if err != nil {
			tally.add(p, q.Source, false)
			continue
		}
		names = append(names, n)
		keep = append(keep, q)
		tally.add(p, q.Source, true)
	}
	tally.flush()
	scores := make([]float64, len(names))
	m.Scorer.Score(names, scores)
	var alerts []registry.Alert
	var medians map[string]float64
	for i, s := range scores {
		if s < m.Threshold {
			continue
		}
		if medians == nil {
			medians = clientMedians(keep, scores)
		}
		q := keep[i]
		med := medians[q.ClientIP]
		a := registry.Alert{SeenAt: q.Time, Source: q.Source, ClientIP: q.ClientIP, Input: names[i], Score: s,
			Threshold: m.Threshold, ModelID: m.ID, Model: m.Name, Version: m.Version, SHA256: m.SHA256, BatchMedian: &med}
		if push, err := m.Scorer.Explain(names[i], p.explain); err == nil {
			a.Detail, _ = json.Marshal(map[string]any{"top_features": push})
		}
		// The scored features, for campaigns; only alerts (few) pay for
		// extracting them twice.
		a.Vector = make([]float64, len(m.Scorer.Names()))
		m.Scorer.Features(names[i], a.Vector)
		alerts = append(alerts, a)
	}
	p.alerts.Add(ctx, alerts)
}

// clientMedians is heiDGAF's overall score: per client, the median score of
// its queries in the batch.
func clientMedians(qs []Query, scores []float64) map[string]float64 {
	by := map[string][]float64{}
	for i, q := range qs {
		by[q.ClientIP] = append(by[q.ClientIP], scores[i])
	}
	out := make(map[string]float64, len(by))
	for ip, s := range by {
		slices.Sort(s)
		n := len(s)
		if n%2 == 1 {
			out[ip] = s[n/2]
		} else {
			out[ip] = (s[n/2-1] + s[n/2]) / 2
		}
	}
	return out
}

// sourceTally adds a batch's scored and skipped counts to the sources'
// counters run by run (a batch mostly comes from one source), not per query.
type sourceTally struct {
	c               *SourceCounters
	source          string
	scored, skipped uint64
}

func (t *sourceTally) add(p *Pipeline, source string, scored bool) {
	if t.c == nil || source != t.source {
		t.flush()
		t.c, t.source = p.counters[source], source
	}
	if scored {
		t.scored++
	} else {
		t.skipped++
	}
}

func (t *sourceTally) flush() {
	if t.c != nil {
		t.c.Scored.Add(t.scored)
		t.c.Skipped.Add(t.skipped)
	}
	t.c, t.scored, t.skipped = nil, 0, 0
}
