package flow

import (
	"cmp"
	"math"
	"net/netip"
	"slices"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// Unit is what flow models score: one source IP in one window of the
// set's first scale, with its feature vector.
type Unit struct {
	// SrcIP is the source; WindowStart and WindowSeconds bound the window
	// [WindowStart, WindowStart+WindowSeconds).
	SrcIP         netip.Addr
	WindowStart   time.Time
	WindowSeconds int
	// Label is 1 when any of the window's flows is labeled malicious, else
	// 0 when any is labeled benign, else -1 (none is labeled: unlabeled
	// logs, or only Stratosphere "Background" flows).
	Label int
	// Family is the detailed label most of the window's malicious flows
	// carry (Stratosphere's detailedlabel, e.g. "CC" or
	// "External-Attack-to-Device"; ties go to the first in byte order), ""
	// when none has one.
	Family string
	// Values are the features, in WindowSet.Names order.
	Values []float64
}

// Input names the unit as scoring output does: "<src_ip>@<window_start>",
// the start in RFC 3339.
func (u Unit) Input() string { return Input(u.SrcIP, u.WindowStart) }

// WindowsConfig says how Windows builds units.
type WindowsConfig struct {
	// Set is the feature set, with its scales; nil means DefaultWindowSet.
	Set *WindowSet
	// Limits are the aggregator's memory caps (MaxSources,
	// MaxPairsPerSource, MaxPairs), zero fields the defaults serving uses.
	// Window and Lateness are ignored: the scales come from Set, and the
	// records are taken in time order so none is late.
	Limits Config
}

// WindowsStats are the totals of one Windows run.
type WindowsStats struct {
	// Units counts the units returned.
	Units int `json:"units"`
	// Scales are the aggregator's totals at each scale, the unit's first:
	// flows dropped past the caps show there.
	Scales []Stats `json:"scales"`
	// MissingOuter counts units whose source was not kept at a longer
	// scale (past Limits.MaxSources there), whose values for that scale
	// are NaN.
	MissingOuter int `json:"missing_outer"`
}

// Windows groups recs (a whole file, in any order) into units and
// computes their features; see WindowsWithStats.
func Windows(recs []datasets.ConnRecord, cfg WindowsConfig) ([]Unit, error) {
	units, _, err := WindowsWithStats(recs, cfg)
	return units, err
}

// unitKey names one source's window at one scale.
type unitKey struct {
	src   netip.Addr
	start int64
}

// WindowsWithStats groups recs into units offline: it takes the records
// in time order (recs is not changed) through one streaming Aggregator
// per scale — the code serving aggregates with — so every window is
// complete when it closes and memory holds only the open windows. Each
// unit is a window of the first scale, ordered by start then source
// address; its values are the set's features of that window and, per
// longer scale, of the same source's window of that length containing it,
// each with the statistics of its own batch (see WindowSet.Extract).
func WindowsWithStats(recs []datasets.ConnRecord, cfg WindowsConfig) ([]Unit, WindowsStats, error) {
	set := cfg.Set
	if set == nil {
		set = DefaultWindowSet()
	}
	scales := set.cfg.Scales
	aggs := make([]*Aggregator, len(scales))
	for i, d := range scales {
		c := cfg.Limits
		// Sorted input is never late; the smallest lateness closes each
		// window as soon as the stream passes its end.
		c.Window, c.Lateness = d, time.Nanosecond
		a, err := NewAggregator(c)
		if err != nil {
			return nil, WindowsStats{}, err
		}
		aggs[i] = a
	}
	order := make([]int32, len(recs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return recs[a].Time.Compare(recs[b].Time) })

	var units []Unit
	// outer[i-1] holds the values of each source's window at scale i.
	outer := make([]map[unitKey][]float64, len(scales)-1)
	for i := range outer {
		outer[i] = make(map[unitKey][]float64)
	}
	// families counts the detailed labels of malicious flows per unit.
	families := make(map[unitKey]map[string]int)
	width := len(set.names)
	secs := int(scales[0] / time.Second)
	// Values are cut from blocks of 256 vectors: fewer, larger allocations.
	var block []float64
	alloc := func(n int) []float64 {
		if len(block) < n {
			block = make([]float64, 256*width)
		}
		v := block[:n:n]
		block = block[n:]
		return v
	}
	take := func(scale int, batches []Batch) {
		for _, b := range batches {
			st := set.BatchStats(b)
			for _, w := range b.Sources {
				if scale == 0 {
					v := alloc(width)
					set.ExtractScale(w, st, v[:ScaleLen])
					units = append(units, Unit{SrcIP: w.SrcIP, WindowStart: w.Start, WindowSeconds: secs, Label: w.Label, Values: v})
					continue
				}
				v := alloc(ScaleLen)
				set.ExtractScale(w, st, v)
				outer[scale-1][unitKey{w.SrcIP, w.Start.UnixNano()}] = v
			}
		}
	}
	for _, i := range order {
		r := recs[i]
		for s, a := range aggs {
			_, closed := a.Add(r)
			take(s, closed)
		}
		if r.Label == 1 && r.DetailedLabel != "" {
			k := unitKey{r.SrcIP, windowStartNanos(r.Time.UnixNano(), scales[0])}
			m := families[k]
			if m == nil {
				m = make(map[string]int)
				families[k] = m
			}
			m[r.DetailedLabel]++
		}
	}
	for s, a := range aggs {
		take(s, a.Flush())
	}

	st := WindowsStats{Units: len(units), Scales: make([]Stats, len(aggs))}
	for s, a := range aggs {
		st.Scales[s] = a.Stats()
	}
	for i := range units {
		u := &units[i]
		ns := u.WindowStart.UnixNano()
		missing := false
		for s := 1; s < len(scales); s++ {
			part := u.Values[s*ScaleLen : (s+1)*ScaleLen]
			v, ok := outer[s-1][unitKey{u.SrcIP, windowStartNanos(ns, scales[s])}]
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
			st.MissingOuter++
		}
		u.Family = topFamily(families[unitKey{u.SrcIP, ns}])
	}
	return units, st, nil
}

// topFamily is the most frequent key of counts, ties to the smallest.
func topFamily(counts map[string]int) string {
	best, n := "", 0
	for f, c := range counts {
		if c > n || (c == n && cmp.Less(f, best)) {
			best, n = f, c
		}
	}
	return best
}
