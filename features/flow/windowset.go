package flow

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// WindowSetName and WindowSetVersion identify the flow feature set. The
// version changes whenever the values it computes for the same windows and
// configuration change. Version 2 added unanswered and unanswered_ratio
// (24 features per scale, 48 in the default set; version 1 had 22 and 44).
const (
	WindowSetName    = "flow"
	WindowSetVersion = 2
)

// DefaultLongWindow is the second scale of the default set: each 10 s unit
// also gets its source's values over the 5 min window that contains it.
const DefaultLongWindow = 5 * time.Minute

// scaleFeatureNames are the features computed over one window of one
// source at one scale, in the order ExtractScale writes them. Ratios are
// over all the window's flows; "flows that carry ports" leaves out ICMP,
// whose type and code Zeek writes where the ports go (see HasPorts).
var scaleFeatureNames = [...]string{
	"flows",              // connections the source started in the window
	"dst_ips",            // distinct destination IPs
	"dst_ports",          // distinct destination ports of flows that carry ports
	"dst_port_entropy",   // Shannon entropy in bits of the destination port over flows that carry ports: -Σ p·log2(p), p = flows to the port ÷ flows that carry ports; 0 when none do
	"bytes_out",          // payload bytes the source sent (Zeek orig_bytes, the flow analyzer's src_tx)
	"bytes_in",           // payload bytes the source received (resp_bytes, dst_tx)
	"pkts_out",           // packets the source sent (orig_pkts; 0 for the flow analyzer's CSV, which has no packet counts)
	"pkts_in",            // packets the source received (resp_pkts; 0 for the flow analyzer's CSV)
	"log_flows",          // ln(1 + flows)
	"log_bytes_out",      // ln(1 + bytes_out)
	"log_bytes_in",       // ln(1 + bytes_in)
	"log_pkts_out",       // ln(1 + pkts_out)
	"log_pkts_in",        // ln(1 + pkts_in)
	"failed_ratio",       // share of flows whose Zeek conn_state is failed or aborted: S0, REJ, RSTOS0, SH, RSTO, RSTR (see FailedStates)
	"unanswered",         // flows the responder never took up, unanswered or refused: S0, REJ, RSTOS0, SH, or OTH (and no state) with packets out and none back (see Unanswered)
	"unanswered_ratio",   // unanswered ÷ flows
	"popular_port_ratio", // share of flows to a popular destination port (default the flow analyzer's 80, 8080, 443, 22, 53, 123, 143, 993) over a protocol with ports
	"duration_mean",      // mean connection duration in seconds
	"duration_max",       // longest connection duration in seconds
	"unusual_port_ratio", // share of flows to an unusual destination port (default the flow analyzer's 0, 81, 82) over a protocol with ports
	"blacklist_hits",     // flows whose source or destination is on the blacklist; 0 without a blacklist
	"fanout_hit",         // 1 when the flow analyzer's port fan-out rule trips: dst_ports > FanoutMax, or dst_ports > the batch's FanoutPercentile-th percentile of dst_ports and one port is not popular; else 0
	"iqr_outlier_hit",    // 1 when the flow analyzer's IQR rule trips: one of the source's (source, destination) pairs used a number of distinct ports outside the batch's fences Q1 - IQRFence·IQR, Q3 + IQRFence·IQR over all pairs; else 0
	"window_seconds",     // the window length in seconds
}

// ScaleLen is the number of features computed per scale.
const ScaleLen = len(scaleFeatureNames)

// Indices of scaleFeatureNames, for ExtractScale.
const (
	fFlows = iota
	fDstIPs
	fDstPorts
	fPortEntropy
	fBytesOut
	fBytesIn
	fPktsOut
	fPktsIn
	fLogFlows
	fLogBytesOut
	fLogBytesIn
	fLogPktsOut
	fLogPktsIn
	fFailedRatio
	fUnanswered
	fUnansweredRatio
	fPopularRatio
	fDurationMean
	fDurationMax
	fUnusualRatio
	fBlacklistHits
	fFanoutHit
	fIQRHit
	fWindowSeconds
)

// failedStates are the Zeek conn_state values that count as a failed or
// aborted connection (Zeek's base/protocols/conn/main.zeek):
//
//	S0      attempt seen, no reply (TCP SYN unanswered; UDP with no answer)
//	REJ     attempt rejected (RST in reply to the SYN: closed port)
//	RSTOS0  originator sent a SYN then a RST, never saw a SYN-ACK
//	SH      originator sent a SYN then a FIN, never saw a SYN-ACK (half open)
//	RSTO    established, originator aborted with a RST (a SYN scan that
//	        finds an open port ends so: S, SYN-ACK, R)
//	RSTR    established, responder aborted with a RST
//
// Left out, as they say nothing about the originator's attempt failing:
// RSTRH and SHR (only the responder's side was seen: the originator's SYN
// never was, so the "source" may not have started anything — backscatter
// or a capture gap; a UDP flow with only answers is SHR), OTH (no SYN
// seen: midstream TCP, UDP with no packets either way, and every ICMP
// flow), and the successful S1, SF, S2, S3.
var failedStates = [...]string{"S0", "REJ", "RSTOS0", "SH", "RSTO", "RSTR"}

// isFailedState reports whether state is one of failedStates.
func isFailedState(state string) bool {
	switch state {
	case "S0", "REJ", "RSTOS0", "SH", "RSTO", "RSTR":
		return true
	}
	return false
}

// FailedStates lists the conn_state values failed_ratio counts.
func FailedStates() []string { return slices.Clone(failedStates[:]) }

// Blacklist is what the blacklist_hits feature asks of an IP blacklist
// (serving.IPBlacklist is one).
type Blacklist interface {
	Contains(ip netip.Addr) bool
}

// WindowSetConfig configures a WindowSet. Zero fields take the defaults.
// A model records it with the set's name and version, so serving builds
// the same set.
type WindowSetConfig struct {
	// Scales are the window lengths, whole seconds, each a multiple of the
	// first. The first is the unit scored; every longer one adds each
	// feature again over the source's window of that length containing
	// the unit, named with a suffix ("flows_5m"). Default 10 s, 5 min.
	Scales []time.Duration `json:"scales,omitempty"`
	// PopularPorts and UnusualPorts default to the flow analyzer's lists.
	PopularPorts []uint16 `json:"popular_ports,omitempty"`
	UnusualPorts []uint16 `json:"unusual_ports,omitempty"`
	// FanoutPercentile, in (0, 100], FanoutMax and IQRFence are the rule
	// parameters; default 90, 100 and 3.
	FanoutPercentile float64 `json:"fanout_percentile,omitempty"`
	FanoutMax        int     `json:"fanout_max,omitempty"`
	IQRFence         float64 `json:"iqr_fence,omitempty"`
	// Blacklist, when set, feeds blacklist_hits.
	Blacklist Blacklist `json:"-"`
}

// WindowSet is the versioned flow feature set: the features of one source
// in one window (ScaleNames), computed at each of its scales. It is safe
// for concurrent use; make one with NewWindowSet or DefaultWindowSet.
type WindowSet struct {
	cfg              WindowSetConfig
	popular, unusual *portSet
	names            []string
}

// NewWindowSet returns the set for cfg, defaults filled in.
func NewWindowSet(cfg WindowSetConfig) (*WindowSet, error) {
	if cfg.Scales == nil {
		cfg.Scales = []time.Duration{DefaultWindow, DefaultLongWindow}
	}
	cfg.Scales = slices.Clone(cfg.Scales)
	if len(cfg.Scales) == 0 {
		return nil, fmt.Errorf("flow feature set: no window scales")
	}
	for i, d := range cfg.Scales {
		switch {
		case d < time.Second || d%time.Second != 0:
			return nil, fmt.Errorf("flow window %v: want a whole number of seconds", d)
		case i > 0 && (d <= cfg.Scales[0] || d%cfg.Scales[0] != 0):
			return nil, fmt.Errorf("flow window %v: want a multiple of the unit window %v longer than it", d, cfg.Scales[0])
		case slices.Index(cfg.Scales[:i], d) >= 0:
			return nil, fmt.Errorf("flow window %v given twice", d)
		}
	}
	if cfg.PopularPorts == nil {
		cfg.PopularPorts = seedPopularPorts
	}
	if cfg.UnusualPorts == nil {
		cfg.UnusualPorts = seedUnusualPorts
	}
	cfg.PopularPorts, cfg.UnusualPorts = slices.Clone(cfg.PopularPorts), slices.Clone(cfg.UnusualPorts)
	if cfg.FanoutPercentile == 0 {
		cfg.FanoutPercentile = DefaultFanoutPercentile
	}
	if cfg.FanoutMax == 0 {
		cfg.FanoutMax = DefaultFanoutMax
	}
	if cfg.IQRFence == 0 {
		cfg.IQRFence = DefaultIQRFence
	}
	switch {
	case !(cfg.FanoutPercentile > 0 && cfg.FanoutPercentile <= 100):
		return nil, fmt.Errorf("fan-out percentile %v: want (0, 100]", cfg.FanoutPercentile)
	case cfg.FanoutMax < 0:
		return nil, fmt.Errorf("fan-out maximum %d: want a positive count", cfg.FanoutMax)
	case !(cfg.IQRFence > 0) || math.IsInf(cfg.IQRFence, 0):
		return nil, fmt.Errorf("IQR fence %v: want a positive multiple", cfg.IQRFence)
	}
	s := &WindowSet{cfg: cfg, popular: newPortSet(cfg.PopularPorts), unusual: newPortSet(cfg.UnusualPorts)}
	for i, d := range cfg.Scales {
		suffix := ""
		if i > 0 {
			suffix = "_" + ScaleSuffix(d)
		}
		for _, n := range scaleFeatureNames {
			s.names = append(s.names, n+suffix)
		}
	}
	return s, nil
}

// DefaultWindowSet is the set with every default: 10 s units with their
// 5 min windows, the flow analyzer's ports and rule parameters, no blacklist.
func DefaultWindowSet() *WindowSet {
	s, err := NewWindowSet(WindowSetConfig{})
	if err != nil {
		panic(err) // the defaults are valid
	}
	return s
}

// ScaleSuffix names a window length in feature names: "5m", "1h", "90s".
func ScaleSuffix(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return fmt.Sprintf("%ds", d/time.Second)
}

// Name is "flow".
func (s *WindowSet) Name() string { return WindowSetName }

// Version is WindowSetVersion.
func (s *WindowSet) Version() int { return WindowSetVersion }

// Names lists the features in the order Extract writes them: ScaleNames
// for the unit's window, then ScaleNames with the suffix of each longer
// scale ("flows_5m" …).
func (s *WindowSet) Names() []string { return slices.Clone(s.names) }

// ScaleNames lists the features of one window, in the order ExtractScale
// writes them.
func (s *WindowSet) ScaleNames() []string { return slices.Clone(scaleFeatureNames[:]) }

// Scales are the window lengths, the unit's first.
func (s *WindowSet) Scales() []time.Duration { return slices.Clone(s.cfg.Scales) }

// Config is the configuration in use, defaults filled in.
func (s *WindowSet) Config() WindowSetConfig {
	c := s.cfg
	c.Scales = slices.Clone(c.Scales)
	c.PopularPorts, c.UnusualPorts = slices.Clone(c.PopularPorts), slices.Clone(c.UnusualPorts)
	return c
}

// OuterWindow is the unit's source's window at a longer scale, with the
// statistics of its batch.
type OuterWindow struct {
	Window *Window
	Batch  BatchStats
}

// BatchContext is what a unit's features need beyond its own window.
type BatchContext struct {
	// Batch are the statistics of the unit window's batch.
	Batch BatchStats
	// Outer holds one entry per longer scale (Scales()[1:], in order): the
	// same source's window of that length that contains the unit's window.
	// A nil Window (the source was not kept at that scale, past
	// Config.MaxSources) gives NaN for that scale's features.
	Outer []OuterWindow
}

// Extract writes the len(Names()) values of the unit whose window is w
// into dst. It panics when ctx.Outer does not have one entry per longer
// scale. It does not allocate and is safe for concurrent use.
func (s *WindowSet) Extract(w *Window, ctx BatchContext, dst []float64) {
	if len(ctx.Outer) != len(s.cfg.Scales)-1 {
		panic(fmt.Sprintf("flow features: %d outer windows for %d scales", len(ctx.Outer), len(s.cfg.Scales)))
	}
	dst = dst[:len(s.names)]
	s.ExtractScale(w, ctx.Batch, dst[:ScaleLen])
	for i, o := range ctx.Outer {
		part := dst[(i+1)*ScaleLen : (i+2)*ScaleLen]
		if o.Window == nil {
			for j := range part {
				part[j] = math.NaN()
			}
			continue
		}
		s.ExtractScale(o.Window, o.Batch, part)
	}
}

// ExtractScale writes the ScaleLen values of one window into dst; st are
// the statistics of its batch. It does not allocate and is safe for
// concurrent use.
func (s *WindowSet) ExtractScale(w *Window, st BatchStats, dst []float64) {
	dst = dst[:ScaleLen]
	flows := float64(w.Flows)
	ratio := func(n int) float64 {
		if w.Flows == 0 {
			return 0
		}
		return float64(n) / flows
	}
	dst[fFlows] = flows
	dst[fDstIPs] = float64(len(w.dsts))
	dst[fDstPorts] = float64(len(w.ports))

	var portFlows, popular int
	for p, n := range w.ports {
		portFlows += n
		if s.popular.has(p) {
			popular += n
		}
	}
	dst[fPortEntropy] = portEntropy(w.ports, portFlows)

	dst[fBytesOut] = float64(w.BytesOut)
	dst[fBytesIn] = float64(w.BytesIn)
	dst[fPktsOut] = float64(w.PktsOut)
	dst[fPktsIn] = float64(w.PktsIn)
	dst[fLogFlows] = math.Log1p(flows)
	dst[fLogBytesOut] = math.Log1p(float64(w.BytesOut))
	dst[fLogBytesIn] = math.Log1p(float64(w.BytesIn))
	dst[fLogPktsOut] = math.Log1p(float64(w.PktsOut))
	dst[fLogPktsIn] = math.Log1p(float64(w.PktsIn))

	failed := 0
	for state, n := range w.States {
		if isFailedState(state) {
			failed += n
		}
	}
	dst[fFailedRatio] = ratio(failed)
	dst[fUnanswered] = float64(w.Unanswered)
	dst[fUnansweredRatio] = ratio(w.Unanswered)
	dst[fPopularRatio] = ratio(popular)
	if w.Flows > 0 {
		dst[fDurationMean] = w.DurationSum.Seconds() / flows
	} else {
		dst[fDurationMean] = 0
	}
	dst[fDurationMax] = w.DurationMax.Seconds()
	dst[fUnusualRatio] = ratio(s.UnusualFlows(w))

	hits := 0
	if bl := s.cfg.Blacklist; bl != nil {
		if bl.Contains(w.SrcIP) {
			hits = w.Flows
		} else {
			for ip, d := range w.dsts {
				if bl.Contains(ip) {
					hits += d.Flows
				}
			}
		}
	}
	dst[fBlacklistHits] = float64(hits)

	dst[fFanoutHit] = b2f(s.FanoutHit(w, st))
	dst[fIQRHit] = b2f(s.IQROutlierHit(w, st))
	dst[fWindowSeconds] = w.Length.Seconds()
}

// countsPool holds the buffers portEntropy sorts counts in.
var countsPool = sync.Pool{New: func() any { return new([]int) }}

// portEntropy is the Shannon entropy in bits of the port distribution
// ports (flows per port, total flows in all). The counts are summed in
// sorted order, so the value does not depend on map iteration order.
func portEntropy(ports map[uint16]int, total int) float64 {
	if len(ports) < 2 {
		return 0
	}
	bp := countsPool.Get().(*[]int)
	c := (*bp)[:0]
	for _, n := range ports {
		c = append(c, n)
	}
	slices.Sort(c)
	t := float64(total)
	var h float64
	for _, n := range c {
		p := float64(n) / t
		h -= p * math.Log2(p)
	}
	*bp = c
	countsPool.Put(bp)
	return h
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
