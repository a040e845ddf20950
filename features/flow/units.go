package flow

import (
	"cmp"
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
// in time order (recs is not changed) through a Stream — the code serving
// scores flows with — so every window is complete when it closes and
// memory holds only the open windows. Each
// unit is a window of the first scale, ordered by start then source
// address; its values are the set's features of that window and, per
// longer scale, of the same source's window of that length containing it,
// each with the statistics of its own batch (see WindowSet.Extract).
func WindowsWithStats(recs []datasets.ConnRecord, cfg WindowsConfig) ([]Unit, WindowsStats, error) {
	limits := cfg.Limits
	// Sorted input is never late; the smallest lateness closes each
	// window as soon as the stream passes its end.
	limits.Lateness = time.Nanosecond
	st, err := NewStream(cfg.Set, limits)
	if err != nil {
		return nil, WindowsStats{}, err
	}
	order := make([]int32, len(recs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return recs[a].Time.Compare(recs[b].Time) })
	var units []Unit
	for _, i := range order {
		units = append(units, st.Add(recs[i])...)
	}
	units = append(units, st.Flush()...)
	return units, st.Stats(), nil
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
