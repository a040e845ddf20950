package serving

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/dnsdomain"
	"github.com/mlctl/mlctl/features/prefilter"
	"github.com/mlctl/mlctl/registry"
)

// SourceDNSDomain names the domain windows in counters and alerts: what
// the DNS sources (dns.log, dnstap) saw, per registrable domain.
const SourceDNSDomain = "dns-domain"

// DefaultTunnelRealert is how long a domain that raised a tunnel alert
// stays quiet: its later windows over the threshold are counted, not
// alerted, for that long.
const DefaultTunnelRealert = 10 * time.Minute

// DomainWindows scores DNS traffic per registrable domain with a
// dns-domain model: every record the DNS sources parse goes into a
// dnsdomain.Stream (the code path ingest uses), and each domain window it
// completes is scored; one at or over the threshold is a tunnel alert
// naming the domain, its clients, the window, the figures that pushed the
// score and the bytes it carried. Records are aggregated only while the
// holder's model is a dns-domain model. Safe for concurrent use: sources
// call Observe from their own goroutines.
type DomainWindows struct {
	holder   *Holder
	alerts   *AlertSink
	counters *SourceCounters
	bad      func(source string, err error)
	realert  time.Duration
	explain  int
	names    []string
	// prefilter's configured rules (internal suffixes, the allowlist)
	// leave names out of the windows; its built-in ones do not, since a
	// tunnel may live under any domain.
	prefilter *prefilter.Prefilter
	// ready is closed once the holder's alias was first checked (its
	// model loaded if it could be): Observe waits for it, so no window is
	// emitted, and lost, before the model is in service; after it records
	// are aggregated only while a dns-domain model is.
	ready <-chan struct{}

	mu     sync.Mutex
	stream *dnsdomain.Stream
	// wall and recTime tie the records' clock to the wall clock: Advance
	// moves the records' clock on by the wall time since the last record,
	// so windows close when traffic stops, and a log replayed from the
	// past is not closed by today's date.
	wall, recTime time.Time
	quiet         map[string]time.Time // domain → end of its quiet spell
}

// NewDomainWindows returns domain windows scored with holder's model.
func NewDomainWindows(holder *Holder, alerts *AlertSink, cfg dnsdomain.Config, realert time.Duration, pf *prefilter.Prefilter, bad func(string, error)) (*DomainWindows, error) {
	st, err := dnsdomain.NewStream(cfg)
	if err != nil {
		return nil, mlctl.Errorf(mlctl.EINVALID, "serve: %v", err)
	}
	if realert <= 0 {
		realert = DefaultTunnelRealert
	}
	return &DomainWindows{holder: holder, alerts: alerts, counters: &SourceCounters{}, bad: bad, realert: realert, explain: 5,
		names: dnsdomain.Names(), stream: st, quiet: map[string]time.Time{}, prefilter: pf}, nil
}

// Counters are the domain windows' totals: Read and Parsed count records
// taken, Skipped those left while no dns-domain model is in service (and
// those without a registrable domain), Scored the windows scored.
func (d *DomainWindows) Counters() *SourceCounters { return d.counters }

// Stats are the stream's totals.
func (d *DomainWindows) Stats() dnsdomain.Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stream.Stats()
}

// model returns the model in service if it scores domain windows.
func (d *DomainWindows) model() *Model {
	if m := d.holder.Get(); m != nil && m.Scorer.Kind() == dnsdomain.SetName {
		return m
	}
	return nil
}

// Observe takes one record from a DNS source.
func (d *DomainWindows) Observe(ctx context.Context, r datasets.DNSRecord) {
	d.counters.Read.Add(1)
	if d.ready != nil {
		select {
		case <-d.ready:
		case <-ctx.Done():
			d.counters.Skipped.Add(1)
			return
		}
	}
	if d.model() == nil {
		d.counters.Skipped.Add(1)
		return
	}
	if d.prefilter != nil {
		if why, ok := d.prefilter.Check(strings.ToLower(r.Name)); ok && (why == prefilter.InternalSuffix || why == prefilter.Allowlist) {
			d.counters.Prefiltered.Add(why)
			return
		}
	}
	d.mu.Lock()
	before := d.stream.Stats()
	units := d.stream.Add(r)
	after := d.stream.Stats()
	if r.Time.After(d.recTime) {
		d.recTime, d.wall = r.Time, time.Now()
	}
	d.mu.Unlock()
	if after.Skipped > before.Skipped || after.Late > before.Late || after.Overflow > before.Overflow {
		d.counters.Skipped.Add(1)
	} else {
		d.counters.Parsed.Add(1)
	}
	d.score(ctx, units)
}

// Run closes windows as time passes without traffic, every second, until
// ctx ends; then it scores the windows still open.
func (d *DomainWindows) Run(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			d.mu.Lock()
			units := d.stream.Flush()
			d.mu.Unlock()
			d.score(context.WithoutCancel(ctx), units)
			return
		case now := <-t.C:
			d.mu.Lock()
			var units []dnsdomain.Unit
			if !d.wall.IsZero() {
				units = d.stream.Advance(d.recTime.Add(now.Sub(d.wall)))
			}
			d.mu.Unlock()
			d.score(ctx, units)
		}
	}
}

// score scores completed windows and raises their alerts.
func (d *DomainWindows) score(ctx context.Context, units []dnsdomain.Unit) {
	if len(units) == 0 {
		return
	}
	m := d.model()
	if m == nil {
		d.counters.Skipped.Add(uint64(len(units)))
		return
	}
	vectors := make([][]float64, len(units))
	for i, u := range units {
		vectors[i] = u.Values
	}
	scores := make([]float64, len(units))
	if err := m.Scorer.ScoreVectors(d.names, vectors, scores); err != nil {
		d.bad(SourceDNSDomain, fmt.Errorf("score %d domain windows with %s: %w", len(units), m.Ref(), err))
		return
	}
	d.counters.Scored.Add(uint64(len(units)))
	if err := m.Sample.offerVectors(d.names, vectors); err != nil {
		d.bad(SourceDNSDomain, err)
	}
	if sh := d.holder.ShadowOf(m); sh != nil {
		if err := sh.scoreVectors(d.names, vectors, scores); err != nil {
			d.bad(SourceDNSDomain, err)
		}
	}
	var alerts []registry.Alert
	for i, u := range units {
		if scores[i] < m.Threshold || !d.raise(u) {
			continue
		}
		alerts = append(alerts, d.alert(m, u, scores[i]))
	}
	d.alerts.Add(ctx, alerts)
}

// raise reports whether a window over the threshold is alerted: not while
// its domain is quiet after an alert.
func (d *DomainWindows) raise(u dnsdomain.Unit) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	end := u.WindowStart.Add(time.Duration(u.WindowSeconds) * time.Second)
	if q, ok := d.quiet[u.Domain]; ok && end.Before(q) {
		return false
	}
	d.quiet[u.Domain] = end.Add(d.realert)
	if len(d.quiet) > 10_000 {
		for dom, q := range d.quiet {
			if q.Before(end) {
				delete(d.quiet, dom)
			}
		}
	}
	return true
}

// alert is the tunnel alert of window u.
func (d *DomainWindows) alert(m *Model, u dnsdomain.Unit, score float64) registry.Alert {
	start := u.WindowStart
	detail := map[string]any{"domain": u.Domain, "clients": u.Clients, "queries": u.Queries,
		"bytes_up": u.BytesUp, "bytes_down": u.BytesDown, "bytes_per_second": float64(u.BytesUp+u.BytesDown) / float64(u.WindowSeconds)}
	if top, err := m.Scorer.ExplainVector(d.names, u.Values, d.explain); err == nil {
		detail["top_features"] = top
	}
	raw, _ := json.Marshal(detail)
	a := registry.Alert{Kind: registry.AlertTunnel, SeenAt: start.Add(time.Duration(u.WindowSeconds) * time.Second), Source: SourceDNSDomain,
		Input: u.Input(), Score: score, Threshold: m.Threshold, ModelID: m.ID, Model: m.Name, Version: m.Version, SHA256: m.SHA256,
		Detail: raw, WindowStart: &start, WindowSeconds: u.WindowSeconds, Domain: u.Domain, Clients: u.Clients, Vector: u.Values}
	if len(u.Clients) > 0 {
		a.ClientIP = u.Clients[0]
	}
	return a
}
