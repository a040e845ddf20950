package flow

import (
	"math"
	"slices"
)

// The flow analyzer's rules (analyzer.py with pandas_analysis.py) as the flow feature
// set computes them: unusual_port_ratio, fanout_hit and iqr_outlier_hit.
// serving's FlowChecker runs the same rules through the methods here, so the
// features and the checks cannot drift apart.

// The flow analyzer's port lists (analyzer.py's _POPULAR_PORTS and
// _INTERESTING_PORTS), the defaults of WindowSetConfig.
var (
	seedPopularPorts = []uint16{80, 8080, 443, 22, 53, 123, 143, 993}
	seedUnusualPorts = []uint16{0, 81, 82}
)

// DefaultPopularPorts are the flow analyzer's popular ports: 80, 8080, 443, 22, 53,
// 123, 143, 993.
func DefaultPopularPorts() []uint16 { return slices.Clone(seedPopularPorts) }

// DefaultUnusualPorts are the flow analyzer's "interesting" ports: 0 (reserved), 81
// (Tor), 82 (Tor control).
func DefaultUnusualPorts() []uint16 { return slices.Clone(seedUnusualPorts) }

// Defaults of the rule parameters, as serving's FlowChecker has them.
const (
	// DefaultFanoutPercentile is analyzer.py's perc90.
	DefaultFanoutPercentile = 90
	// DefaultFanoutMax is analyzer.py's "using more than 100 ports".
	DefaultFanoutMax = 100
	// DefaultIQRFence is pandas_analysis.py's outer fence, 3·IQR.
	DefaultIQRFence = 3
)

// BatchStats are what the rule features of a window need from the other
// windows of its batch (every source's window with the same start and
// length).
type BatchStats struct {
	// Sources counts the batch's windows.
	Sources int
	// FanoutThreshold is the FanoutPercentile-th percentile of the
	// windows' distinct destination ports (numpy's linear interpolation).
	FanoutThreshold float64
	// IQRLow and IQRHigh are the IQR fences over the distinct destination
	// ports of every (source, destination) pair of the batch that used
	// ports.
	IQRLow, IQRHigh float64
}

// BatchStats computes the statistics of a closed batch, as serving's
// FlowChecker does for one window of fan-out history.
func (s *WindowSet) BatchStats(b Batch) BatchStats {
	return s.StatsOf(b.Sources)
}

// StatsOf computes the batch statistics over the windows of one batch
// (every source's window with the same start and length).
func (s *WindowSet) StatsOf(windows []*Window) BatchStats {
	st := BatchStats{Sources: len(windows)}
	counts := make([]float64, len(windows))
	var pairs []float64
	for i, w := range windows {
		counts[i] = float64(len(w.ports))
		for _, d := range w.dsts {
			if d.Ports > 0 {
				pairs = append(pairs, float64(d.Ports))
			}
		}
	}
	st.FanoutThreshold = s.FanoutThreshold(counts)
	slices.Sort(pairs)
	q1, q3 := Quantile(pairs, 0.25), Quantile(pairs, 0.75)
	st.IQRLow, st.IQRHigh = q1-s.cfg.IQRFence*(q3-q1), q3+s.cfg.IQRFence*(q3-q1)
	return st
}

// FanoutThreshold is the fan-out rule's threshold over a population of
// windows given their distinct destination ports (Window.DstPorts): the
// FanoutPercentile-th percentile of counts. It sorts counts.
func (s *WindowSet) FanoutThreshold(counts []float64) float64 {
	slices.Sort(counts)
	return Quantile(counts, s.cfg.FanoutPercentile/100)
}

// FanoutHit reports whether the flow analyzer's port fan-out rule trips for w, whose
// batch has the statistics st (the fanout_hit feature): w used more than
// FanoutMax distinct destination ports, or more than st.FanoutThreshold with
// one of them not a popular port.
func (s *WindowSet) FanoutHit(w *Window, st BatchStats) bool {
	n := len(w.ports)
	return n > s.cfg.FanoutMax || (float64(n) > st.FanoutThreshold && s.usesUnpopularPort(w))
}

// usesUnpopularPort reports whether w used a destination port that is not
// a popular one.
func (s *WindowSet) usesUnpopularPort(w *Window) bool {
	for p := range w.ports {
		if !s.popular.has(p) {
			return true
		}
	}
	return false
}

// IQROutlierHit reports whether the flow analyzer's IQR rule trips for w, whose batch
// has the statistics st (the iqr_outlier_hit feature): one of w's (source,
// destination) pairs used a number of distinct destination ports outside
// [st.IQRLow, st.IQRHigh].
func (s *WindowSet) IQROutlierHit(w *Window, st BatchStats) bool {
	for _, d := range w.dsts {
		if d.Ports == 0 {
			continue
		}
		if p := float64(d.Ports); p < st.IQRLow || p > st.IQRHigh {
			return true
		}
	}
	return false
}

// UnusualFlows counts w's connections to an unusual destination port over a
// protocol with ports (unusual_port_ratio's numerator; the flow analyzer's
// unusual-port rule trips when it is not 0).
func (s *WindowSet) UnusualFlows(w *Window) int {
	unusual := 0
	for p, n := range w.ports {
		if s.unusual.has(p) {
			unusual += n
		}
	}
	return unusual
}

// Quantile is the q-quantile of sorted values with linear interpolation
// between closest ranks, as numpy.percentile and pandas' quantile compute
// it by default; 0 for no values. The rules' percentiles and quartiles are
// this.
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	return sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
}
