package serving

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/flow"
)

// The rule checks FlowChecker runs on each (source IP, window), by the
// names FlowFinding.Checks uses. They are the flow analyzer's analyzer (analyzer.py
// with pandas_analysis.py) applied to windows.
const (
	// CheckBlacklist: the source, or a destination it connected to, is on
	// the blacklist.
	CheckBlacklist = "blacklist"
	// CheckUnusualPort: a TCP/UDP connection to one of the unusual ports
	// (the flow analyzer's "interesting" ports: 0 reserved, 81 Tor, 82 Tor control).
	CheckUnusualPort = "unusual_port"
	// CheckPortFanout: the source used more distinct destination ports than
	// the 90th percentile over the window's addresses (the ports each
	// source connected to, and each destination was contacted on), one of
	// them not a popular port; or more than 100 distinct ports.
	CheckPortFanout = "port_fanout"
	// CheckIQROutlier: one of the source's (source, destination) pairs used
	// a number of distinct destination ports outside the window's outer IQR
	// fences, Q1 − 3·IQR and Q3 + 3·IQR, over all pairs of the window.
	CheckIQROutlier = "iqr_outlier"
)

// flowChecks are the checks in the order findings list them; FlowChecker
// indexes its switches by this order.
var flowChecks = [...]string{CheckBlacklist, CheckUnusualPort, CheckPortFanout, CheckIQROutlier}

// FlowCheckNames lists the checks in the order findings list them.
func FlowCheckNames() []string { return slices.Clone(flowChecks[:]) }

// defaultFanoutHistory is how many windows the fan-out percentile spans.
const defaultFanoutHistory = 1

// markBlacklist is the mark FlowChecker keeps on windows as connections
// arrive, and the detail of CheckBlacklist.
const markBlacklist = "blacklist_flows"

// FlowCheckConfig configures a FlowChecker. Zero fields take the defaults.
type FlowCheckConfig struct {
	// Config sets the windows: length (default 10 s, the flow analyzer's T, and a
	// whole number of seconds), lateness and memory caps.
	flow.Config
	// Checks names the checks to run; default all of FlowCheckNames, without
	// CheckBlacklist when Blacklist is nil.
	Checks []string
	// Blacklist is the IP blacklist for CheckBlacklist.
	Blacklist *IPBlacklist
	// UnusualPorts are CheckUnusualPort's ports; default 0, 81, 82
	// (flow.DefaultUnusualPorts).
	UnusualPorts []uint16
	// PopularPorts are the ports that alone do not make a fan-out (one of
	// the source's ports must be another); default 80, 8080, 443, 22, 53,
	// 123, 143, 993 (flow.DefaultPopularPorts).
	PopularPorts []uint16
	// FanoutPercentile is CheckPortFanout's percentile, in (0, 100];
	// default 90.
	FanoutPercentile float64
	// FanoutMax is the distinct-port count above which CheckPortFanout
	// trips whatever the other sources do; default 100.
	FanoutMax int
	// FanoutHistory is how many windows, the current one and those before
	// it, CheckPortFanout's population spans; default 1, the window's own
	// sources. More makes the check meaningful where a window has a single
	// source (one host scanning), at the price of remembering the counts.
	FanoutHistory int
	// IQRFence is CheckIQROutlier's multiple of the interquartile range;
	// default 3 (the outer fence).
	IQRFence float64
}

// FlowFinding is one source IP in one window that tripped at least one
// check.
type FlowFinding struct {
	SrcIP         string    `json:"src_ip"`
	WindowStart   time.Time `json:"window_start"`
	WindowSeconds int       `json:"window_seconds"`
	// Checks are the names of the checks tripped, in FlowCheckNames order.
	Checks []string `json:"checks"`
	// Score is the fraction of the checks run that tripped, in (0, 1].
	Score float64 `json:"score"`
	// WindowLabel is the window's label from a labeled log: 1 when any of
	// its connections is malicious, 0 when none is and one is benign, -1
	// when none is labeled.
	WindowLabel int `json:"window_label"`
	// Detail holds the numbers behind the checks: "flows", "dst_ips",
	// "dst_ports", "bytes_out", "bytes_in", "window_sources", and per check
	// "blacklist_flows", "unusual_port_flows", "fanout_threshold",
	// "max_pair_ports", "iqr_low", "iqr_high".
	Detail map[string]float64 `json:"detail"`
}

// Input is "<src_ip>@<window_start>", as scoring output names a window.
func (f FlowFinding) Input() string {
	a, err := netip.ParseAddr(f.SrcIP)
	if err != nil {
		return f.SrcIP + "@" + f.WindowStart.UTC().Format(time.RFC3339Nano)
	}
	return flow.Input(a, f.WindowStart)
}

// FlowCheckStats are a FlowChecker's running totals.
type FlowCheckStats struct {
	flow.Stats
	// Findings counts the findings returned.
	Findings int64 `json:"findings"`
}

// FlowChecker runs the rule checks on a stream of connections, such as a
// followed conn.log, and reports each (source IP, window) that trips one
// when its window closes. A FlowChecker is not safe for concurrent use.
type FlowChecker struct {
	agg *flow.Aggregator
	// rules is the flow feature set at the window's length: its ports,
	// rule parameters and rules are the checks'.
	rules     *flow.WindowSet
	on        [4]bool
	nChecks   int
	blacklist *IPBlacklist
	findings  int64
	// history is how many windows the fan-out population spans; past
	// holds the counts of the windows before the current one.
	history int
	past    []pastCounts
}

// pastCounts are the distinct destination ports of a window's sources.
type pastCounts struct {
	start  time.Time
	counts []float64
}

// NewFlowChecker returns a FlowChecker for cfg.
func NewFlowChecker(cfg FlowCheckConfig) (*FlowChecker, error) {
	if cfg.Window == 0 {
		cfg.Window = flow.DefaultWindow
	}
	// The feature set checks the window (whole seconds), fills in the
	// ports and rule parameters and validates them.
	rules, err := flow.NewWindowSet(flow.WindowSetConfig{
		Scales:       []time.Duration{cfg.Window},
		PopularPorts: cfg.PopularPorts, UnusualPorts: cfg.UnusualPorts,
		FanoutPercentile: cfg.FanoutPercentile, FanoutMax: cfg.FanoutMax, IQRFence: cfg.IQRFence,
	})
	if err != nil {
		return nil, err
	}
	agg, err := flow.NewAggregator(cfg.Config)
	if err != nil {
		return nil, err
	}
	c := &FlowChecker{agg: agg, rules: rules, blacklist: cfg.Blacklist}
	if c.history = cfg.FanoutHistory; c.history == 0 {
		c.history = defaultFanoutHistory
	}
	if c.history < 0 {
		return nil, fmt.Errorf("fan-out history %d: want a positive number of windows", c.history)
	}
	checks := cfg.Checks
	if checks == nil {
		for _, name := range flowChecks {
			if name != CheckBlacklist || cfg.Blacklist != nil {
				checks = append(checks, name)
			}
		}
	}
	for _, name := range checks {
		i := slices.Index(flowChecks[:], name)
		if i < 0 {
			return nil, fmt.Errorf("unknown flow check %q (want one of %v)", name, flowChecks)
		}
		if name == CheckBlacklist && cfg.Blacklist == nil {
			return nil, fmt.Errorf("flow check %q needs a blacklist", name)
		}
		if !c.on[i] {
			c.on[i] = true
			c.nChecks++
		}
	}
	if c.nChecks == 0 {
		return nil, fmt.Errorf("no flow checks to run")
	}
	return c, nil
}

// Stats are the running totals.
func (c *FlowChecker) Stats() FlowCheckStats {
	return FlowCheckStats{Stats: c.agg.Stats(), Findings: c.findings}
}

// Add takes one connection and returns the findings of the windows its
// time closed.
func (c *FlowChecker) Add(rec datasets.ConnRecord) []FlowFinding {
	w, closed := c.agg.Add(rec)
	if w != nil && c.on[0] && (c.blacklist.Contains(rec.SrcIP) || c.blacklist.Contains(rec.DstIP)) {
		w.Mark(markBlacklist, 1)
	}
	return c.check(closed)
}

// Flush closes every open window and returns its findings (at the end of
// the input).
func (c *FlowChecker) Flush() []FlowFinding { return c.check(c.agg.Flush()) }

// CheckConns runs the checks over a whole log's connections in time order,
// so none is late, and returns every finding with the totals.
func CheckConns(cfg FlowCheckConfig, recs []datasets.ConnRecord) ([]FlowFinding, FlowCheckStats, error) {
	c, err := NewFlowChecker(cfg)
	if err != nil {
		return nil, FlowCheckStats{}, err
	}
	order := make([]int, len(recs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return recs[a].Time.Compare(recs[b].Time) })
	var out []FlowFinding
	for _, i := range order {
		out = append(out, c.Add(recs[i])...)
	}
	out = append(out, c.Flush()...)
	return out, c.Stats(), nil
}

// check runs the checks on closed windows.
func (c *FlowChecker) check(batches []flow.Batch) []FlowFinding {
	var out []FlowFinding
	for _, b := range batches {
		out = c.checkBatch(b, out)
	}
	c.findings += int64(len(out))
	return out
}

func (c *FlowChecker) checkBatch(b flow.Batch, out []FlowFinding) []FlowFinding {
	var st flow.BatchStats
	if c.on[2] || c.on[3] {
		st = c.rules.BatchStats(b)
	}
	if c.on[2] && c.history > 1 {
		st.FanoutThreshold = c.fanoutThreshold(b)
	}
	secs := int(b.Length / time.Second)
	for _, w := range b.Sources {
		var tripped []string
		detail := map[string]float64{}
		if c.on[0] && w.Marks[markBlacklist] > 0 {
			tripped = append(tripped, CheckBlacklist)
			detail[markBlacklist] = float64(w.Marks[markBlacklist])
		}
		if c.on[1] {
			if n := c.rules.UnusualFlows(w); n > 0 {
				tripped = append(tripped, CheckUnusualPort)
				detail["unusual_port_flows"] = float64(n)
			}
		}
		if c.on[2] && c.rules.FanoutHit(w, st) {
			tripped = append(tripped, CheckPortFanout)
			detail["fanout_threshold"] = st.FanoutThreshold
		}
		if c.on[3] && c.rules.IQROutlierHit(w, st) {
			tripped = append(tripped, CheckIQROutlier)
			detail["max_pair_ports"] = float64(maxPairPorts(w))
			detail["iqr_low"], detail["iqr_high"] = st.IQRLow, st.IQRHigh
		}
		if len(tripped) == 0 {
			continue
		}
		detail["flows"] = float64(w.Flows)
		detail["dst_ips"] = float64(w.DstIPs())
		detail["dst_ports"] = float64(w.DstPorts())
		detail["bytes_out"] = float64(w.BytesOut)
		detail["bytes_in"] = float64(w.BytesIn)
		detail["window_sources"] = float64(len(b.Sources))
		out = append(out, FlowFinding{
			SrcIP: w.SrcIP.String(), WindowStart: w.Start, WindowSeconds: secs,
			Checks: tripped, Score: float64(len(tripped)) / float64(c.nChecks),
			WindowLabel: w.Label, Detail: detail,
		})
	}
	return out
}

// fanoutThreshold is the fan-out threshold over the distinct destination
// ports of the sources of b and of the windows before it within the
// fan-out history, and remembers b's counts for the windows after it.
func (c *FlowChecker) fanoutThreshold(b flow.Batch) float64 {
	counts := make([]float64, len(b.Sources))
	for i, w := range b.Sources {
		counts[i] = float64(w.DstPorts())
	}
	from := b.Start.Add(-time.Duration(c.history-1) * b.Length)
	keep := c.past[:0]
	var all []float64
	for _, h := range c.past {
		if h.start.Before(from) {
			continue
		}
		keep = append(keep, h)
		all = append(all, h.counts...)
	}
	c.past = append(keep, pastCounts{b.Start, counts})
	return c.rules.FanoutThreshold(append(all, counts...))
}

// maxPairPorts is the most distinct destination ports w used with one
// destination.
func maxPairPorts(w *flow.Window) int {
	most := 0
	for _, d := range w.Dsts() {
		most = max(most, d.Ports)
	}
	return most
}

// quantile is flow.Quantile, the percentile the checks use (numpy's linear
// interpolation).
func quantile(sorted []float64, q float64) float64 { return flow.Quantile(sorted, q) }
