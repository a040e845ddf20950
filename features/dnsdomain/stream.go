package dnsdomain

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
)

// Config sets a Stream's windows and bounds. Zero fields take the defaults.
type Config struct {
	// Window is the unit's window (default 60 s); windows start every
	// Hop (default 30 s), so a tunnel is scored at most Hop after the first
	// window that holds a full Window of it closes. Window is a multiple
	// of Hop.
	Window, Hop time.Duration
	// Long is the long window the *_long features look back over (default
	// 10 min), a multiple of Hop, at least Window.
	Long time.Duration
	// Lateness is how long a pane stays open, on the records' own clock,
	// for records that come late (default 5 s, at most Hop); later ones
	// are counted and dropped.
	Lateness time.Duration
	// MaxDomains bounds the domains tracked at once (default 200,000):
	// a record for a new domain beyond it is counted and dropped.
	MaxDomains int
}

// DefaultConfig is the configuration ingest and serving use unless told
// otherwise: 60 s windows every 30 s, a 10-minute long window.
func DefaultConfig() Config {
	return Config{Window: 60 * time.Second, Hop: 30 * time.Second, Long: 10 * time.Minute, Lateness: 5 * time.Second, MaxDomains: 200_000}
}

func (c Config) withDefaults() (Config, error) {
	d := DefaultConfig()
	if c.Window == 0 {
		c.Window = d.Window
	}
	if c.Hop == 0 {
		c.Hop = min(d.Hop, c.Window)
	}
	if c.Long == 0 {
		c.Long = max(d.Long, c.Window)
	}
	if c.Lateness == 0 {
		c.Lateness = min(d.Lateness, c.Hop)
	}
	if c.MaxDomains == 0 {
		c.MaxDomains = d.MaxDomains
	}
	switch {
	case c.Hop <= 0 || c.Window%c.Hop != 0:
		return c, fmt.Errorf("dns-domain window %v is not a positive multiple of its hop %v", c.Window, c.Hop)
	case c.Long%c.Hop != 0 || c.Long < c.Window:
		return c, fmt.Errorf("dns-domain long window %v is not a multiple of the hop %v at least the window %v", c.Long, c.Hop, c.Window)
	case c.Lateness < 0 || c.Lateness > c.Hop:
		return c, fmt.Errorf("dns-domain lateness %v: want 0 to the hop %v", c.Lateness, c.Hop)
	case c.MaxDomains < 0:
		return c, fmt.Errorf("dns-domain max domains %d: want 1 or more", c.MaxDomains)
	}
	return c, nil
}

// Stats are a Stream's running totals.
type Stats struct {
	// Queries and Responses count the records taken (a dns.log line is a
	// query); Late those that came after their pane closed, Skipped
	// those whose name has no registrable domain (a single label, a bare
	// public suffix), Overflow those of new domains past MaxDomains.
	Queries   int64 `json:"queries"`
	Responses int64 `json:"responses"`
	Late      int64 `json:"late"`
	Skipped   int64 `json:"skipped"`
	Overflow  int64 `json:"overflow"`
	// Units counts the units emitted; Domains the domains tracked now.
	Units   int64 `json:"units"`
	Domains int   `json:"domains"`
}

// domainState is one domain's open panes and the long window's closed ones.
type domainState struct {
	name    string
	panes   []*pane // open or within the window, idx in paneIdx
	paneIdx []int64
	long    []*lightPane // ascending idx
	emitted int64        // the pane whose unit was built last
}

func (d *domainState) pane(idx int64) *pane {
	for i, x := range d.paneIdx {
		if x == idx {
			return d.panes[i]
		}
	}
	return nil
}

// Stream turns DNS records, as they come, into units: the one code path of
// ingest (Windows) and serving. Records are cut into panes of Hop per
// registrable domain; when a pane closes (Lateness after its end, on the
// records' clock or Advance's), every domain with queries in the Window
// ending with it becomes a unit. A Stream is not safe for concurrent use.
type Stream struct {
	cfg            Config
	hop            int64
	wpanes, lpanes int64
	domains        map[string]*domainState
	// active lists the domains with a pane at each index not yet swept.
	active    map[int64][]*domainState
	started   bool
	closed    int64 // panes up to it are closed
	watermark int64
	stats     Stats
	width     int
	// scratch is the window a unit's panes merge into, reused.
	scratch *pane
}

// NewStream returns a Stream with cfg's windows.
func NewStream(cfg Config) (*Stream, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Stream{cfg: cfg, hop: int64(cfg.Hop), wpanes: int64(cfg.Window / cfg.Hop), lpanes: int64(cfg.Long / cfg.Hop),
		domains: map[string]*domainState{}, active: map[int64][]*domainState{}, watermark: math.MinInt64, width: len(Names()),
		scratch: newPane()}, nil
}

// Config is the stream's configuration, defaults filled in.
func (s *Stream) Config() Config { return s.cfg }

// Stats returns the running totals.
func (s *Stream) Stats() Stats {
	st := s.stats
	st.Domains = len(s.domains)
	return st
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Split returns a query name's registrable domain (lower case) and the
// raw part left of it ("" for the domain itself); ok is false for a name
// without one (a single label, a bare public suffix).
func Split(name string) (domain, sub string, ok bool) {
	name = strings.TrimSuffix(name, ".")
	lower := name
	if hasUpper(name) {
		lower = strings.ToLower(name)
	}
	domain = features.RegistrableDomain(lower)
	if strings.IndexByte(domain, '.') < 0 {
		return "", "", false
	}
	if len(name) > len(domain) {
		sub = name[:len(name)-len(domain)-1]
	}
	return domain, sub, true
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// Add takes one record and returns the units the time it brings completed,
// ordered by window start, then domain.
func (s *Stream) Add(r datasets.DNSRecord) []Unit {
	t := r.Time.UnixNano()
	idx := floorDiv(t, s.hop)
	if !s.started {
		s.started, s.closed = true, idx-1
	}
	var out []Unit
	if t > s.watermark {
		s.watermark = t
		out = s.closeThrough(floorDiv(t-int64(s.cfg.Lateness), s.hop) - 1)
	}
	if idx <= s.closed {
		s.stats.Late++
		return out
	}
	domain, sub, ok := Split(r.Name)
	if !ok {
		s.stats.Skipped++
		return out
	}
	st := s.domains[domain]
	if st == nil {
		if len(s.domains) >= s.cfg.MaxDomains {
			s.stats.Overflow++
			return out
		}
		st = &domainState{name: domain, emitted: math.MinInt64}
		s.domains[domain] = st
	}
	p := st.pane(idx)
	if p == nil {
		p = newPane()
		st.panes, st.paneIdx = append(st.panes, p), append(st.paneIdx, idx)
		s.active[idx] = append(s.active[idx], st)
	}
	if r.Response {
		s.stats.Responses++
		p.addAnswer(&r)
		return out
	}
	s.stats.Queries++
	p.addQuery(&r, strings.TrimSuffix(r.Name, "."), sub)
	return out
}

// Advance closes the panes that end Lateness before now (a live source's
// clock, so windows close when traffic stops) and returns their units.
func (s *Stream) Advance(now time.Time) []Unit {
	if !s.started {
		return nil
	}
	t := now.UnixNano()
	if t > s.watermark {
		s.watermark = t
	}
	return s.closeThrough(floorDiv(s.watermark-int64(s.cfg.Lateness), s.hop) - 1)
}

// Flush closes every pane and returns the units left.
func (s *Stream) Flush() []Unit {
	last := int64(math.MinInt64)
	for idx := range s.active {
		last = max(last, idx)
	}
	if last == math.MinInt64 {
		return nil
	}
	return s.closeThrough(last + s.lpanes)
}

// closeThrough closes the panes up to target and returns their units.
// Only panes that end a window of some domain's queries, or sweep one, do
// any work, so a jump in time costs nothing per empty pane.
func (s *Stream) closeThrough(target int64) []Unit {
	if target <= s.closed {
		return nil
	}
	var work []int64
	for idx := range s.active {
		for j := range s.lpanes {
			if p := idx + j; p > s.closed && p <= target {
				work = append(work, p)
			}
		}
	}
	slices.Sort(work)
	work = slices.Compact(work)
	var out []Unit
	for _, p := range work {
		out = append(out, s.close(p)...)
	}
	s.closed = target
	return out
}

// close closes pane p: it builds the units of the windows ending with it,
// keeps its panes for the long window, and forgets what no later window
// needs.
func (s *Stream) close(p int64) []Unit {
	var out []Unit
	for _, st := range s.active[p] {
		if pn := st.pane(p); pn != nil {
			st.long = append(st.long, pn.light(p))
		}
	}
	for j := range s.wpanes {
		for _, st := range s.active[p-j] {
			if st.emitted == p {
				continue
			}
			st.emitted = p
			if u, ok := s.unit(st, p); ok {
				out = append(out, u)
			}
		}
	}
	// Free the full pane that no later window holds.
	for _, st := range s.active[p-s.wpanes+1] {
		for i, x := range st.paneIdx {
			if x == p-s.wpanes+1 {
				st.panes = slices.Delete(st.panes, i, i+1)
				st.paneIdx = slices.Delete(st.paneIdx, i, i+1)
				break
			}
		}
	}
	// Sweep the pane that leaves the long window.
	old := p - s.lpanes + 1
	for _, st := range s.active[old] {
		i := 0
		for i < len(st.long) && st.long[i].idx <= old {
			i++
		}
		st.long = st.long[i:]
		if len(st.long) == 0 && len(st.panes) == 0 {
			delete(s.domains, st.name)
		}
	}
	delete(s.active, old)
	slices.SortFunc(out, func(a, b Unit) int { return cmp.Compare(a.Domain, b.Domain) })
	s.stats.Units += int64(len(out))
	return out
}

// unit builds the unit of st's window ending with pane p; false when the
// window holds no query (responses only).
func (s *Stream) unit(st *domainState, p int64) (Unit, bool) {
	w := s.scratch
	w.reset()
	for q := p - s.wpanes + 1; q <= p; q++ {
		if pn := st.pane(q); pn != nil {
			w.merge(pn)
		}
	}
	if w.queries == 0 {
		return Unit{}, false
	}
	l := &lightPane{names: newDistinct(kLong)}
	for _, lp := range st.long {
		if lp.idx > p-s.lpanes && lp.idx <= p {
			l.merge(lp)
		}
	}
	start := time.Unix(0, (p-s.wpanes+1)*s.hop).UTC()
	u := Unit{Domain: st.name, WindowStart: start, WindowSeconds: int(s.cfg.Window / time.Second), Clients: slices.Clone(w.someClients),
		Queries: w.queries, BytesUp: w.subBytes, BytesDown: w.downBytes, Label: -1, Family: w.family, Values: make([]float64, s.width)}
	switch {
	case w.malicious > 0:
		u.Label = 1
	case w.benign > 0:
		u.Label = 0
	}
	extract(w, l, int(s.lpanes), u.Values)
	return u, true
}

// Windows groups records (a whole capture, in any order) into units: it
// sorts them by time (stably) and streams them.
func Windows(recs []datasets.DNSRecord, cfg Config) ([]Unit, Stats, error) {
	s, err := NewStream(cfg)
	if err != nil {
		return nil, Stats{}, err
	}
	order := make([]int, len(recs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return recs[a].Time.Compare(recs[b].Time) })
	var out []Unit
	for _, i := range order {
		out = append(out, s.Add(recs[i])...)
	}
	out = append(out, s.Flush()...)
	return out, s.Stats(), nil
}
