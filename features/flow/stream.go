package flow

import (
	"math"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// Stream turns connections, as they come, into the units flow models
// score: the code path both offline reading (WindowsWithStats) and
// serving use. Each scale has its own Aggregator; a unit (a source's
// window of the first scale) is complete once the source's windows of
// every longer scale that contain it have closed too, so a unit leaves
// the stream up to the longest scale plus the lateness after its window
// ends (5 min 10 s after, by default). A Stream is not safe for
// concurrent use.
type Stream struct {
	set    *WindowSet
	scales []time.Duration
	aggs   []*Aggregator
	secs   int
	// pending are the units whose outer windows are still open, in the
	// order their windows closed.
	pending []Unit
	// outer[i-1] holds the values of each source's closed window at scale i.
	outer []map[unitKey][]float64
	// closedThrough[i] is the end of the newest closed window at scale i.
	closedThrough []int64
	// families counts the detailed labels of malicious flows per unit.
	families     map[unitKey]map[string]int
	units        int
	missingOuter int
	block        []float64
}

// NewStream returns a Stream computing set's features (nil:
// DefaultWindowSet); limits are the aggregators' lateness and memory caps
// (zero fields the defaults; Window is ignored, the scales come from set).
func NewStream(set *WindowSet, limits Config) (*Stream, error) {
	if set == nil {
		set = DefaultWindowSet()
	}
	scales := set.cfg.Scales
	s := &Stream{set: set, scales: scales, aggs: make([]*Aggregator, len(scales)), secs: int(scales[0] / time.Second),
		outer: make([]map[unitKey][]float64, len(scales)-1), closedThrough: make([]int64, len(scales)),
		families: make(map[unitKey]map[string]int)}
	for i, d := range scales {
		c := limits
		c.Window = d
		a, err := NewAggregator(c)
		if err != nil {
			return nil, err
		}
		s.aggs[i] = a
	}
	for i := range s.outer {
		s.outer[i] = make(map[unitKey][]float64)
	}
	for i := range s.closedThrough {
		s.closedThrough[i] = math.MinInt64
	}
	return s, nil
}

// Set is the stream's feature set.
func (s *Stream) Set() *WindowSet { return s.set }

// Add takes one connection and returns the units it completed, ordered by
// window start, then source address.
func (s *Stream) Add(r datasets.ConnRecord) []Unit {
	for i, a := range s.aggs {
		_, closed := a.Add(r)
		s.take(i, closed)
	}
	if r.Label == 1 && r.DetailedLabel != "" {
		k := unitKey{r.SrcIP, windowStartNanos(r.Time.UnixNano(), s.scales[0])}
		m := s.families[k]
		if m == nil {
			m = make(map[string]int)
			s.families[k] = m
		}
		m[r.DetailedLabel]++
	}
	return s.complete(false)
}

// Flush closes every open window and returns the remaining units.
func (s *Stream) Flush() []Unit {
	for i, a := range s.aggs {
		s.take(i, a.Flush())
	}
	return s.complete(true)
}

// Stats are the stream's totals so far.
func (s *Stream) Stats() WindowsStats {
	st := WindowsStats{Units: s.units, Scales: make([]Stats, len(s.aggs)), MissingOuter: s.missingOuter}
	for i, a := range s.aggs {
		st.Scales[i] = a.Stats()
	}
	return st
}

// LateFlows counts the connections that came after their window closed
// (at the first scale) and were dropped.
func (s *Stream) LateFlows() int64 { return s.aggs[0].stats.LateFlows }

// take computes the features of closed windows at one scale: units at the
// first, outer values at the others.
func (s *Stream) take(scale int, batches []Batch) {
	width := len(s.set.names)
	for _, b := range batches {
		st := s.set.BatchStats(b)
		for _, w := range b.Sources {
			if scale == 0 {
				v := s.alloc(width)
				s.set.ExtractScale(w, st, v[:ScaleLen])
				s.pending = append(s.pending, Unit{SrcIP: w.SrcIP, WindowStart: w.Start, WindowSeconds: s.secs, Label: w.Label, Values: v})
				continue
			}
			v := s.alloc(ScaleLen)
			s.set.ExtractScale(w, st, v)
			s.outer[scale-1][unitKey{w.SrcIP, w.Start.UnixNano()}] = v
		}
		if end := b.Start.UnixNano() + int64(b.Length); end > s.closedThrough[scale] {
			s.closedThrough[scale] = end
		}
	}
}

// complete fills in and returns the pending units whose outer windows
// have all closed (all of them when flushing), in order, and forgets the
// outer windows no pending unit can still need.
func (s *Stream) complete(all bool) []Unit {
	n := 0
	for n < len(s.pending) && (all || s.ready(s.pending[n])) {
		n++
	}
	if n == 0 {
		return nil
	}
	done := make([]Unit, n)
	copy(done, s.pending[:n])
	s.pending = append(s.pending[:0], s.pending[n:]...)
	for i := range done {
		s.fill(&done[i])
	}
	s.units += n
	// Windows of a longer scale that ended by the oldest pending unit's
	// start are no longer needed (every unit inside them has left).
	oldest := int64(math.MaxInt64)
	if len(s.pending) > 0 {
		oldest = s.pending[0].WindowStart.UnixNano()
	}
	for i, m := range s.outer {
		for k := range m {
			if k.start+int64(s.scales[i+1]) <= oldest && k.start+int64(s.scales[i+1]) <= s.closedThrough[i+1] {
				delete(m, k)
			}
		}
	}
	return done
}

// ready reports whether every outer window containing u has closed.
func (s *Stream) ready(u Unit) bool {
	ns := u.WindowStart.UnixNano()
	for i := 1; i < len(s.scales); i++ {
		if windowStartNanos(ns, s.scales[i])+int64(s.scales[i]) > s.closedThrough[i] {
			return false
		}
	}
	return true
}

// fill copies a unit's outer values in (NaN where its source was not kept
// at a longer scale) and sets its family.
func (s *Stream) fill(u *Unit) {
	ns := u.WindowStart.UnixNano()
	missing := false
	for i := 1; i < len(s.scales); i++ {
		part := u.Values[i*ScaleLen : (i+1)*ScaleLen]
		v, ok := s.outer[i-1][unitKey{u.SrcIP, windowStartNanos(ns, s.scales[i])}]
		if !ok {
			missing = true
			for j := range part {
				part[j] = math.NaN()
			}
			continue
		}
		copy(part, v)
	}
	if missing {
		s.missingOuter++
	}
	k := unitKey{u.SrcIP, ns}
	u.Family = topFamily(s.families[k])
	delete(s.families, k)
}

// alloc cuts values from blocks of 256 vectors: fewer, larger allocations.
func (s *Stream) alloc(n int) []float64 {
	if len(s.block) < n {
		s.block = make([]float64, 256*len(s.set.names))
	}
	v := s.block[:n:n]
	s.block = s.block[n:]
	return v
}
