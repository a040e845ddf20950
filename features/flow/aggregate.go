package flow

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// Defaults for Config's zero fields.
const (
	// DefaultLateness is how far behind the newest connection seen a
	// connection may start and still join its window. Zeek writes a
	// connection when it ends, so a log is ordered by end time, not by ts;
	// see Config.Lateness.
	DefaultLateness = 60 * time.Second
	// DefaultMaxSources caps the sources tracked in one window.
	DefaultMaxSources = 10_000
	// DefaultMaxPairsPerSource caps the destinations and (destination, port)
	// pairs remembered for one source in one window.
	DefaultMaxPairsPerSource = 16_384
	// DefaultMaxPairs caps the destinations and pairs remembered over all
	// open windows.
	DefaultMaxPairs = 1 << 20
)

// Config says how connections are grouped. Zero fields take the defaults.
type Config struct {
	// Window is the window length; default DefaultWindow (10 s).
	Window time.Duration
	// Lateness is how long a window stays open after it ends, measured in
	// the stream's own time (the newest ts seen): window [s, s+Window)
	// closes once a connection with ts >= s+Window+Lateness arrives, and a
	// connection for a closed window is counted in Stats.LateFlows and
	// dropped. Zeek logs a connection when it ends (after an inactivity
	// timeout for S0 and UDP), so connections longer than Lateness are
	// always late. Default DefaultLateness.
	Lateness time.Duration
	// MaxSources caps the sources of one window; connections from further
	// sources are counted in Batch.DroppedFlows. Default DefaultMaxSources.
	MaxSources int
	// MaxPairsPerSource caps the destinations plus (destination, port)
	// pairs remembered per source and window; default
	// DefaultMaxPairsPerSource.
	MaxPairsPerSource int
	// MaxPairs caps them over all open windows; default DefaultMaxPairs.
	MaxPairs int
}

func (c Config) withDefaults() (Config, error) {
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	if c.Lateness == 0 {
		c.Lateness = DefaultLateness
	}
	if c.MaxSources == 0 {
		c.MaxSources = DefaultMaxSources
	}
	if c.MaxPairsPerSource == 0 {
		c.MaxPairsPerSource = DefaultMaxPairsPerSource
	}
	if c.MaxPairs == 0 {
		c.MaxPairs = DefaultMaxPairs
	}
	switch {
	case c.Window < 0:
		return c, fmt.Errorf("flow window %v: want a positive length", c.Window)
	case c.Lateness < 0:
		return c, fmt.Errorf("flow lateness %v: want zero or more", c.Lateness)
	case c.MaxSources < 0 || c.MaxPairsPerSource < 0 || c.MaxPairs < 0:
		return c, fmt.Errorf("flow caps must not be negative")
	}
	return c, nil
}

// Batch is one closed window: every source seen in it.
type Batch struct {
	// Start and Length bound the window: [Start, Start+Length).
	Start  time.Time
	Length time.Duration
	// Sources are the windows of each source, ordered by address.
	Sources []*Window
	// DroppedSources counts sources past Config.MaxSources, and
	// DroppedFlows their connections.
	DroppedSources, DroppedFlows int
}

// Stats are an Aggregator's running totals.
type Stats struct {
	// Flows counts connections given to Add.
	Flows int64 `json:"flows"`
	// LateFlows counts connections whose window had already closed.
	LateFlows int64 `json:"late_flows"`
	// DroppedFlows counts connections of sources past MaxSources, and
	// DroppedSources those sources.
	DroppedFlows   int64 `json:"dropped_flows"`
	DroppedSources int64 `json:"dropped_sources"`
	// UntrackedFlows counts connections counted in their window whose
	// destination or port was not remembered (a pair cap was reached).
	UntrackedFlows int64 `json:"untracked_flows"`
	// Batches counts closed windows, and Windows closed (source, window)s.
	Batches int64 `json:"batches"`
	Windows int64 `json:"windows"`
}

// open is a window that has not closed yet.
type open struct {
	start          int64
	sources        map[netip.Addr]*Window
	dropped        map[netip.Addr]struct{}
	droppedFlows   int
	tracked        int
	droppedSources int
}

// Aggregator groups a stream of connections into windows and closes each
// window once the stream's time has moved past its end plus the lateness.
// It holds at most (Lateness/Window + 2) windows of at most MaxSources
// sources each. An Aggregator is not safe for concurrent use.
type Aggregator struct {
	cfg Config
	// holdAll keeps every window open until Flush (Group).
	holdAll bool
	open    map[int64]*open
	// watermark is the newest ts seen, in Unix nanoseconds; seen is set
	// once there is one.
	watermark int64
	seen      bool
	// closedBefore is the end of the newest window closed: a connection
	// starting before it is late.
	closedBefore int64
	closedAny    bool
	tracked      int
	stats        Stats
}

// NewAggregator returns an Aggregator for cfg.
func NewAggregator(cfg Config) (*Aggregator, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Aggregator{cfg: cfg, open: make(map[int64]*open)}, nil
}

// Config is the configuration in use, defaults filled in.
func (a *Aggregator) Config() Config { return a.cfg }

// Stats are the running totals.
func (a *Aggregator) Stats() Stats { return a.stats }

// Add counts r in its window and returns that window (nil when r was late
// or its source was dropped), with the windows that r's time closed, oldest
// first. The returned window stays valid while it is open; callers may
// Mark it.
func (a *Aggregator) Add(r datasets.ConnRecord) (*Window, []Batch) {
	a.stats.Flows++
	ts := r.Time.UnixNano()
	var closed []Batch
	if !a.seen || ts > a.watermark {
		a.watermark, a.seen = ts, true
		if !a.holdAll {
			closed = a.closeThrough(ts)
		}
	}
	start := windowStartNanos(ts, a.cfg.Window)
	if a.closedAny && start < a.closedBefore {
		a.stats.LateFlows++
		return nil, closed
	}
	o := a.open[start]
	if o == nil {
		o = &open{start: start, sources: make(map[netip.Addr]*Window)}
		a.open[start] = o
	}
	w := o.sources[r.SrcIP]
	if w == nil {
		if len(o.sources) >= a.cfg.MaxSources {
			if o.dropped == nil {
				o.dropped = make(map[netip.Addr]struct{})
			}
			if _, ok := o.dropped[r.SrcIP]; !ok {
				o.dropped[r.SrcIP] = struct{}{}
				o.droppedSources++
				a.stats.DroppedSources++
			}
			o.droppedFlows++
			a.stats.DroppedFlows++
			return nil, closed
		}
		w = newWindow(r.SrcIP, time.Unix(0, start).UTC(), a.cfg.Window)
		o.sources[r.SrcIP] = w
	}
	budget := min(a.cfg.MaxPairsPerSource-(len(w.dsts)+len(w.pairs)), a.cfg.MaxPairs-a.tracked)
	before := w.Untracked
	used := w.add(&r, budget)
	a.tracked += used
	o.tracked += used
	a.stats.UntrackedFlows += int64(w.Untracked - before)
	return w, closed
}

// closeThrough closes the windows whose end plus lateness is at or before
// the stream time now.
func (a *Aggregator) closeThrough(now int64) []Batch {
	var starts []int64
	for s := range a.open {
		if now-(s+int64(a.cfg.Window)) >= int64(a.cfg.Lateness) {
			starts = append(starts, s)
		}
	}
	// Every window ending by now-Lateness is closed, also those that never
	// opened: a connection for one of them is late.
	if end := windowStartNanos(now-int64(a.cfg.Lateness), a.cfg.Window); !a.closedAny || end > a.closedBefore {
		a.closedBefore, a.closedAny = end, true
	}
	return a.close(starts)
}

// Flush closes every open window, oldest first.
func (a *Aggregator) Flush() []Batch {
	starts := make([]int64, 0, len(a.open))
	for s := range a.open {
		starts = append(starts, s)
	}
	return a.close(starts)
}

func (a *Aggregator) close(starts []int64) []Batch {
	if len(starts) == 0 {
		return nil
	}
	slices.Sort(starts)
	out := make([]Batch, 0, len(starts))
	for _, s := range starts {
		o := a.open[s]
		delete(a.open, s)
		a.tracked -= o.tracked
		if end := s + int64(a.cfg.Window); !a.closedAny || end > a.closedBefore {
			a.closedBefore, a.closedAny = end, true
		}
		b := Batch{Start: time.Unix(0, s).UTC(), Length: a.cfg.Window, DroppedSources: o.droppedSources, DroppedFlows: o.droppedFlows}
		b.Sources = make([]*Window, 0, len(o.sources))
		for _, w := range o.sources {
			b.Sources = append(b.Sources, w)
		}
		slices.SortFunc(b.Sources, compareWindows)
		a.stats.Batches++
		a.stats.Windows += int64(len(b.Sources))
		out = append(out, b)
	}
	return out
}

// Group puts recs into windows regardless of their order, as an offline
// reader wants: nothing is late. Caps still apply.
func Group(recs []datasets.ConnRecord, cfg Config) ([]Batch, Stats, error) {
	a, err := NewAggregator(cfg)
	if err != nil {
		return nil, Stats{}, err
	}
	a.holdAll = true
	for _, r := range recs {
		a.Add(r)
	}
	out := a.Flush()
	return out, a.stats, nil
}
