package serving

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/registry"
)

// Client verdicts, as heiDGAF batches per client: per client IP and
// tumbling window, the registrable domains of the names scored at or over
// the threshold. The first name of a (client, registrable domain, window)
// raises a name alert; its repeats are counted (deduplicated), not raised.
// When a client's window holds MinNames such domains, one client alert is
// raised for that window, at the end of the micro-batch that brought the
// k-th domain, with the names seen by then; later names in the same window
// raise name alerts for new domains but no second client alert and change
// nothing in the first. Domains, not names, are counted so that a benign
// client looking up many random-looking names under one domain (CDN,
// antivirus reputation lookups) is not a client verdict: a DGA's names are
// distinct registrable domains.
//
// Windows run on event time (the query's Time: a dns.log's ts, the dnstap
// message time), aligned to the Unix epoch, so a replay of an old log gives
// the windows it had live. Each client's window rolls over when a query of
// a later window arrives for it; a query of an earlier window (out of
// order, as Zeek logs a query when it is answered or times out) is folded
// into the client's current window and counted late. Clients whose window
// ended before the previous window of the newest query seen are forgotten.

// Defaults of ClientWindowOptions.
const (
	DefaultClientWindow   = 5 * time.Minute
	DefaultClientMinNames = 3
	DefaultClientMax      = 100000
	// MaxClientNames bounds the registrable domains over the threshold one
	// client window keeps; names of further domains in that window are
	// counted deduplicated (the client alert, raised by then, stands for
	// them). MinNames may not exceed it.
	MaxClientNames = 64
	// ClientAlertNames is how many names a client alert lists.
	ClientAlertNames = 20
)

// ClientWindowOptions configure client verdicts and name alert
// de-duplication. The zero value means the defaults.
type ClientWindowOptions struct {
	// Window is the tumbling window, a whole number of seconds (default
	// 5 min).
	Window time.Duration
	// MinNames is k: registrable domains over the threshold in one
	// client window that make a client alert (default 3, at most
	// MaxClientNames).
	MinNames int
	// MaxClients bounds the clients tracked at once (default 100,000):
	// beyond it the least recently seen is forgotten, counted as evicted.
	MaxClients int
	// Off turns client verdicts and name alert de-duplication off: every
	// name over the threshold alerts.
	Off bool
}

// withDefaults fills in the zero values.
func (o ClientWindowOptions) withDefaults() ClientWindowOptions {
	if o.Window == 0 {
		o.Window = DefaultClientWindow
	}
	if o.MinNames == 0 {
		o.MinNames = DefaultClientMinNames
	}
	if o.MaxClients == 0 {
		o.MaxClients = DefaultClientMax
	}
	return o
}

// Validate says what is wrong with options out of range (zero values are
// the defaults).
func (o ClientWindowOptions) Validate() error {
	if o.Off {
		return nil
	}
	o = o.withDefaults()
	switch {
	case o.Window < time.Second || o.Window%time.Second != 0:
		return mlctl.Errorf(mlctl.EINVALID, "serve: --client-window %v: want a whole number of seconds, at least 1s (0 turns client verdicts off)", o.Window)
	case o.MinNames < 1 || o.MinNames > MaxClientNames:
		return mlctl.Errorf(mlctl.EINVALID, "serve: --client-min-names %d: want 1 to %d", o.MinNames, MaxClientNames)
	case o.MaxClients < 1:
		return mlctl.Errorf(mlctl.EINVALID, "serve: --client-max %d: want at least 1", o.MaxClients)
	}
	return nil
}

// ClientWindows keeps the client windows of one pipeline. Observe is
// called from one goroutine; the counters may be read from any.
type ClientWindows struct {
	window   int64 // seconds
	minNames int
	max      int
	now      func() time.Time

	clients map[string]*clientWindow
	// head is the most recently seen client, tail the least.
	head, tail *clientWindow
	// newest is the start of the newest window seen per source (Unix
	// seconds): sources run on their own clocks (a replayed dns.log beside
	// live dnstap), so each source forgets only its own idle clients.
	newest map[string]int64
	// During Observe: the model scoring, the client windows whose alert
	// is due and the client alerts made.
	model *Model
	due   []*clientWindow
	out   []registry.Alert

	open         atomic.Int64
	evicted      atomic.Uint64
	late         atomic.Uint64
	deduplicated atomic.Uint64
}

// clientWindow is one client's current window.
type clientWindow struct {
	ip    string
	start int64 // Unix seconds
	// answered counts the client's scored queries in the window that
	// carried a response code, nxdomain those answered NXDOMAIN.
	answered, nxdomain int
	// names are the first name over the threshold of each registrable
	// domain, in the order seen (at most MaxClientNames).
	names []clientName
	// last and source are the time and source of the newest of names.
	last   time.Time
	source string
	// clock is the source whose event time the window last ran on.
	clock string
	// raised: this window's client alert is raised (or due).
	raised bool
	// due: its alert is to be made before the window changes or Observe
	// returns.
	due        bool
	prev, next *clientWindow
}

// clientName is a name over the threshold with its registrable domain.
type clientName struct {
	name, domain string
	score        float64
	// alerted: a name of the domain was over the threshold and raised its
	// name alert; false for a suspect (NXDOMAIN, over the client threshold).
	alerted bool
}

// NewClientWindows returns empty client windows; options are taken as
// Validate accepts them (values out of range are clamped).
func NewClientWindows(o ClientWindowOptions) *ClientWindows {
	o = o.withDefaults()
	return &ClientWindows{window: max(int64(o.Window/time.Second), 1), minNames: min(max(o.MinNames, 1), MaxClientNames),
		max: max(o.MaxClients, 1), now: time.Now, clients: map[string]*clientWindow{}, newest: map[string]int64{}}
}

// Open is how many client windows are held (the current window's clients
// and the previous one's, which takes late queries).
func (c *ClientWindows) Open() int64 { return c.open.Load() }

// Evicted counts clients forgotten because MaxClients were tracked.
func (c *ClientWindows) Evicted() uint64 { return c.evicted.Load() }

// Late counts queries from a window before their client's current one,
// folded into the current one.
func (c *ClientWindows) Late() uint64 { return c.late.Load() }

// Deduplicated counts name alerts not raised: a repeat of a (client,
// registrable domain, window) already alerted, or a domain beyond
// MaxClientNames in its client window.
func (c *ClientWindows) Deduplicated() uint64 { return c.deduplicated.Load() }

// Observe takes a batch scored by m: inputs[i], a normalised name, came
// from query from[i] and scored scores[i]. It returns which name alerts to
// raise (raise[i]) and the client alerts that became due.
func (c *ClientWindows) Observe(m *Model, inputs []string, from []Query, scores []float64) (raise []bool, clients []registry.Alert) {
	c.model, c.out = m, nil
	raise = make([]bool, len(inputs))
	var deduplicated uint64
	for i, q := range from {
		t := q.Time
		if t.IsZero() {
			t = c.now()
		}
		e := c.client(q.ClientIP, q.Source, c.windowStart(t))
		if q.RCode != "" {
			e.answered++
			if strings.EqualFold(q.RCode, "NXDOMAIN") {
				e.nxdomain++
			}
		}
		over := scores[i] >= m.Threshold
		if !over && !suspect(m, scores[i], q.RCode) {
			continue
		}
		d := features.RegistrableDomain(inputs[i])
		if k := slices.IndexFunc(e.names, func(n clientName) bool { return n.domain == d }); k >= 0 || len(e.names) >= MaxClientNames {
			switch {
			case over && k >= 0 && !e.names[k].alerted:
				// The domain counted as a suspect; its first name over
				// the threshold still alerts.
				raise[i], e.names[k].alerted = true, true
			case over:
				deduplicated++
			}
			continue
		}
		raise[i] = over
		e.names = append(e.names, clientName{name: inputs[i], domain: d, score: scores[i], alerted: over})
		e.last, e.source = t, q.Source
		if len(e.names) >= c.minNames && !e.raised && e.ip != "" {
			e.raised, e.due = true, true
			c.due = append(c.due, e)
		}
	}
	for _, e := range c.due {
		c.flush(e)
	}
	c.deduplicated.Add(deduplicated)
	c.open.Store(int64(len(c.clients)))
	clients = c.out
	c.model, c.due, c.out = nil, c.due[:0], nil
	return raise, clients
}

// suspect is a name under the model's threshold that still counts toward
// its client's verdict: answered NXDOMAIN and at or over the model's
// client threshold. A DGA's candidates mostly do not resolve, a benign
// client's names mostly do; so a client of k such names in a window is
// a verdict even when the DGA's scheme scores each name below the name
// threshold (wordlist DGAs at low query rates).
func suspect(m *Model, score float64, rcode string) bool {
	return m.ClientThreshold > 0 && score >= m.ClientThreshold && strings.EqualFold(rcode, "NXDOMAIN")
}

// windowStart is the start of t's window, in Unix seconds.
func (c *ClientWindows) windowStart(t time.Time) int64 {
	s := t.Unix()
	return s - ((s%c.window)+c.window)%c.window
}

// client returns ip's window for a query of the window starting at start:
// the client's current one, rolled over to start if that is later, or a
// new one (forgetting the least recently seen client when MaxClients are
// held). The client becomes the most recently seen.
func (c *ClientWindows) client(ip, source string, start int64) *clientWindow {
	if newest, ok := c.newest[source]; !ok || start > newest {
		if ok {
			c.sweep(source, start)
		}
		c.newest[source] = start
	}
	if e := c.clients[ip]; e != nil {
		e.clock = source
		switch {
		case start > e.start:
			c.flush(e)
			e.reset(start)
		case start < e.start:
			c.late.Add(1)
		}
		c.unlink(e)
		c.pushFront(e)
		return e
	}
	var e *clientWindow
	if len(c.clients) >= c.max {
		e = c.tail
		c.flush(e)
		c.unlink(e)
		delete(c.clients, e.ip)
		c.evicted.Add(1)
	} else {
		e = &clientWindow{}
	}
	e.ip, e.clock = ip, source
	e.reset(start)
	c.clients[ip] = e
	c.pushFront(e)
	return e
}

// sweep forgets the clients on source's clock whose window ended before
// the one preceding the window starting at newest.
func (c *ClientWindows) sweep(source string, newest int64) {
	for ip, e := range c.clients {
		if e.clock == source && e.start < newest-c.window {
			c.flush(e)
			c.unlink(e)
			delete(c.clients, ip)
		}
	}
}

// reset starts the window at start, keeping the names' storage.
func (e *clientWindow) reset(start int64) {
	e.start, e.answered, e.nxdomain = start, 0, 0
	clear(e.names)
	e.names = e.names[:0]
	e.last, e.source, e.raised, e.due = time.Time{}, "", false, false
}

func (c *ClientWindows) pushFront(e *clientWindow) {
	e.prev, e.next = nil, c.head
	if c.head != nil {
		c.head.prev = e
	}
	c.head = e
	if c.tail == nil {
		c.tail = e
	}
}

func (c *ClientWindows) unlink(e *clientWindow) {
	if e.prev != nil {
		e.prev.next = e.next
	} else if c.head == e {
		c.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else if c.tail == e {
		c.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

// flush makes e's client alert if it is due.
func (c *ClientWindows) flush(e *clientWindow) {
	if !e.due {
		return
	}
	e.due = false
	c.out = append(c.out, c.alert(e))
}

// alert is the client alert of e's window, by the model scoring.
func (c *ClientWindows) alert(e *clientWindow) registry.Alert {
	m := c.model
	start := time.Unix(e.start, 0).UTC()
	scores := make([]float64, len(e.names))
	names := make([]string, 0, min(len(e.names), ClientAlertNames))
	for i, n := range e.names {
		scores[i] = n.score
		if i < ClientAlertNames {
			names = append(names, n.name)
		}
	}
	med := median(scores)
	var share *float64
	if e.answered > 0 {
		s := float64(e.nxdomain) / float64(e.answered)
		share = &s
	}
	over := 0
	for _, n := range e.names {
		if n.alerted {
			over++
		}
	}
	d := map[string]any{"domains": len(e.names), "over_threshold": over, "answered": e.answered, "nxdomain": e.nxdomain}
	if m.ClientThreshold > 0 {
		// Domains that counted as NXDOMAIN suspects, and their cut.
		d["nxdomain_suspects"], d["client_threshold"] = len(e.names)-over, m.ClientThreshold
	}
	detail, _ := json.Marshal(d)
	return registry.Alert{Kind: registry.AlertClient, SeenAt: e.last, Source: e.source, ClientIP: e.ip,
		Input: fmt.Sprintf("%s@%s", e.ip, start.Format(time.RFC3339)), Score: med, Threshold: m.Threshold,
		ModelID: m.ID, Model: m.Name, Version: m.Version, SHA256: m.SHA256, Detail: detail,
		WindowStart: &start, WindowSeconds: int(c.window), Names: names, NXDomainShare: share, MedianScore: &med}
}

// median is the median of s (sorted in place); 0 for none.
func median(s []float64) float64 {
	n := len(s)
	if n == 0 {
		return 0
	}
	slices.Sort(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// verdicts are the alerts of a scored batch of names (from[i] is the query
// inputs[i] came from): with client windows, a name alert for the first
// name over the threshold of each (client, registrable domain, window) and
// the client alerts that became due; without, a name alert for every name
// over the threshold. A TXT model's alerts are not windowed.
func (p *Pipeline) verdicts(m *Model, inputs []string, from []Query, scores []float64) []registry.Alert {
	if p.clients == nil || m.Scorer.Kind() == "txt" {
		return p.alertsOf(m, inputs, from, scores, nil)
	}
	raise, clients := p.clients.Observe(m, inputs, from, scores)
	return append(p.alertsOf(m, inputs, from, scores, raise), clients...)
}

// ClientWindows are the pipeline's client windows (nil when off).
func (p *Pipeline) ClientWindows() *ClientWindows { return p.clients }
