package serving

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/mlctl/mlctl/features/prefilter"
	"github.com/mlctl/mlctl/registry"
)

// Pipeline scores the queries of the streaming sources (Zeek logs, dnstap)
// in micro-batches: a bounded queue (a full queue drops and counts, never
// grows), batches of up to MaxBatch or MaxWait, alerts for scores at or
// above the model's threshold. What it scores follows the model in
// service: the queried names for a domain-name (dga) model, the queries'
// TXT records for a txt model, nothing for a vector model (see
// batchinputs.go for the counting). What the model in service scores is
// offered to its live sample and, while a shadow is open, scored by the
// challenger too, which never alerts.
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
	// prefilter leaves out names that cannot be a DGA's (see prefilter.go).
	prefilter *prefilter.Prefilter
	// warnKind logs once that the model in service cannot score names;
	// warnTXT that it scores TXT records only.
	warnKind, warnTXT sync.Once
	// clients are the client windows (clientwindow.go); nil when off.
	clients *ClientWindows
}

// PipelineOptions size the pipeline.
type PipelineOptions struct {
	QueueSize int           // default 65536
	MaxBatch  int           // default 4096
	MaxWait   time.Duration // default 20ms
	Explain   int           // default 5
	// Prefilter decides the names a domain-name model never scores (nil:
	// the built-in rules only).
	Prefilter *prefilter.Prefilter
	// Clients configure client verdicts and name alert de-duplication.
	Clients ClientWindowOptions
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
		counters: map[string]*SourceCounters{}, maxBatch: o.MaxBatch, maxWait: o.MaxWait, explain: o.Explain, prefilter: o.Prefilter}
	for _, s := range sources {
		p.counters[s] = &SourceCounters{}
	}
	if !o.Clients.Off {
		p.clients = NewClientWindows(o.Clients)
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

// Put queues a query, waiting while the queue is full: for a source that
// can hold back its input (a Kafka consumer) rather than drop it. Call it
// only before Close, while Run runs.
func (p *Pipeline) Put(q Query) { p.queue <- q }

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

// score scores one batch and raises its alerts, then settles the acks of
// its queries (see ack.go).
func (p *Pipeline) score(ctx context.Context, batch []Query) {
	runs := ackRuns(batch)
	ok := p.scoreBatch(ctx, batch)
	settleRuns(runs, ok)
}

// scoreBatch scores one batch and raises its alerts; false when it was
// dropped (no model, shutting down).
func (p *Pipeline) scoreBatch(ctx context.Context, batch []Query) bool {
	m := p.model(ctx, batch)
	if m == nil {
		return false
	}
	var inputs []string
	var from []Query
	switch {
	case m.Scorer.TakesVectors():
		// A flow or tabular model cannot score names: count them skipped.
		for _, q := range batch {
			if c := p.counters[q.Source]; c != nil {
				c.Skipped.Add(1)
			}
		}
		p.warnKind.Do(func() {
			p.log.Warn("the model in service scores vectors, not names: DNS queries are skipped until a domain-name model is promoted", "model", m.Ref(), "kind", m.Scorer.Kind())
		})
		return true
	case m.Scorer.Kind() == "txt":
		p.warnTXT.Do(func() {
			p.log.Info("the model in service scores TXT records: only the TXT answers of queries are scored (dns.log lines of TXT queries; dnstap needs --dnstap-responses), other queries are skipped", "model", m.Ref())
		})
		inputs, from = p.txtInputs(batch)
	default:
		inputs, from = p.nameInputs(batch)
	}
	scores := make([]float64, len(inputs))
	m.Scorer.Score(inputs, scores)
	p.alerts.Add(ctx, p.verdicts(m, inputs, from, scores))
	m.Sample.offerStrings(m.Scorer, inputs)
	if sh := p.holder.ShadowOf(m); sh != nil {
		sh.scoreStrings(inputs, scores)
	}
	return true
}

// model returns the model in service, waiting for the first one to load.
// It returns nil, counting the batch dropped, if ctx ends first.
func (p *Pipeline) model(ctx context.Context, batch []Query) *Model {
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
			return nil
		case <-time.After(50 * time.Millisecond):
		}
		m = p.holder.Get()
	}
	return m
}

// alertsOf makes an alert of every input scored at or above the threshold
// (of those raise marks, when not nil); from[i] is the query input i came
// from. A TXT record's alert names the
// query it answered in its detail ({"query": name}), since the record
// alone does not say. A model without named features (an LSTM, which reads
// token sequences) gives alerts without top_features and without a vector,
// so in no campaign.
func (p *Pipeline) alertsOf(m *Model, inputs []string, from []Query, scores []float64, raise []bool) []registry.Alert {
	var alerts []registry.Alert
	var medians map[string]float64
	txt := m.Scorer.Kind() == "txt"
	kind := registry.AlertName
	if txt {
		kind = registry.AlertTXT
	}
	width := len(m.Scorer.Names())
	for i, s := range scores {
		if s < m.Threshold || (raise != nil && !raise[i]) {
			continue
		}
		if medians == nil {
			medians = clientMedians(from, scores)
		}
		q := from[i]
		med := medians[q.ClientIP]
		a := registry.Alert{Kind: kind, SeenAt: q.Time, Source: q.Source, ClientIP: q.ClientIP, Input: inputs[i], Score: s,
			Threshold: m.Threshold, ModelID: m.ID, Model: m.Name, Version: m.Version, SHA256: m.SHA256, BatchMedian: &med}
		detail := map[string]any{}
		if txt {
			detail["query"] = q.Name
		}
		if width > 0 {
			if push, err := m.Scorer.Explain(inputs[i], p.explain); err == nil {
				detail["top_features"] = push
			}
			// The scored features, for campaigns; only alerts (few) pay
			// for extracting them twice.
			a.Vector = make([]float64, width)
			m.Scorer.Features(inputs[i], a.Vector)
		}
		a.Detail, _ = json.Marshal(detail)
		alerts = append(alerts, a)
	}
	return alerts
}

// clientMedians is heiDGAF's overall score: per client, the median score of
// its inputs in the batch (qs[i] is the query input i came from).
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
