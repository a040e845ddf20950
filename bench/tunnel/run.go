package tunnelbench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/datasets/tunnelgen"
	"github.com/mlctl/mlctl/features/dnsdomain"
	"github.com/mlctl/mlctl/training/gbdt"
)

// Result is the tunnel benchmark's report.
type Result struct {
	Data string `json:"data"`
	// Windows and TunnelWindows count the corpus; Queries its records by
	// source.
	Windows       int            `json:"windows"`
	TunnelWindows int            `json:"tunnel_windows"`
	Queries       map[string]int `json:"queries"`
	// Tools is the leave-one-tool-out table.
	Tools []ToolResult `json:"tools"`
	// Real is the default model (trained on the whole corpus) on the real
	// benign capture of the shared corpora.
	Real RealLogs `json:"real_logs"`
	// Delay is, per tool, seconds from a session's first query to the
	// close of its first window over the threshold (the stream's clock:
	// when serve would raise the alert), median and worst.
	Delay []ToolDelay `json:"delay"`
	// Throughput: records aggregated a second on one core, domain windows
	// scored a second.
	QueriesPerSecond float64 `json:"queries_per_second"`
	WindowsPerSecond float64 `json:"windows_per_second"`
	// Floor is the exfiltration floor: per tool, the smallest payload rate
	// (bytes a second) at which every one of its sessions is caught within
	// 10 minutes.
	Floor []ToolFloor `json:"floor"`
	// Threshold is the default model's.
	Threshold float64 `json:"threshold"`
}

// RealLogs is the default model on a real benign capture.
type RealLogs struct {
	Source      string  `json:"source"`
	Windows     int     `json:"windows"`
	Alerted     int     `json:"alerted"`
	AlertsPer10 float64 `json:"alerts_per_10k"`
}

// ToolDelay is one tool's detection delays.
type ToolDelay struct {
	Tool     string  `json:"tool"`
	Sessions int     `json:"sessions"`
	Caught   int     `json:"caught"`
	Median   float64 `json:"median_seconds"`
	Worst    float64 `json:"worst_seconds"`
}

// ToolFloor is one tool's exfiltration floor.
type ToolFloor struct {
	Tool string `json:"tool"`
	// Rate is the smallest rate at and above which every session tried
	// was caught within 10 minutes (0: not even at the highest); Tried
	// the rates, Caught how many of Sessions each caught.
	Rate     float64   `json:"bytes_per_second"`
	Tried    []float64 `json:"tried"`
	Caught   []int     `json:"caught"`
	Sessions int       `json:"sessions"`
}

// Run builds the corpus (capturing the real tunnels first when root and
// the tools allow and capture.sh's output is not there yet) and runs every
// measurement.
func Run(ctx context.Context, data, captures string) (*Result, error) {
	if err := ensureCaptures(captures); err != nil {
		fmt.Fprintln(os.Stderr, "tunnels: real captures left out:", err)
	}
	// Throughput first, on a small heap (the corpus below is large).
	qps, err := aggregation()
	if err != nil {
		return nil, err
	}
	c, err := Build(Options{Data: data, Captures: captures, Networks: 3, BrowsingRate: 50})
	if err != nil {
		return nil, err
	}
	r := &Result{Data: data, Queries: c.Queries, QueriesPerSecond: qps}
	for _, w := range c.Windows {
		r.Windows++
		if w.Label == 1 {
			r.TunnelWindows++
		}
	}
	p := gbdt.DefaultParams()
	p.Seed = 1
	fmt.Fprintf(os.Stderr, "tunnels: %d windows (%d of tunnels); leave one tool out\n", r.Windows, r.TunnelWindows)
	if r.Tools, err = LeaveOneToolOut(ctx, c.Windows, p); err != nil {
		return nil, err
	}
	m, th, err := Fit(ctx, c.Windows, p)
	if err != nil {
		return nil, err
	}
	r.Threshold = th
	r.Real = realLogs(m, th, c.Windows)
	r.Delay, err = delays(m, th)
	if err != nil {
		return nil, err
	}
	if r.WindowsPerSecond, err = scoring(m); err != nil {
		return nil, err
	}
	r.Floor, err = floors(m, th)
	return r, err
}

// ensureCaptures runs deploy/tunnels/capture.sh into dir unless both
// captures are there.
func ensureCaptures(dir string) error {
	if fileExists(filepath.Join(dir, "iodine.dnstap")) && fileExists(filepath.Join(dir, "dns2tcp.dnstap")) {
		return nil
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("capturing needs root; run deploy/tunnels/capture.sh %s as root", dir)
	}
	out, err := exec.Command("deploy/tunnels/capture.sh", dir, "180", "150000").CombinedOutput()
	if err != nil {
		return fmt.Errorf("deploy/tunnels/capture.sh: %v\n%s", err, out)
	}
	return nil
}

// realLogs scores the real benign capture's windows.
func realLogs(m *gbdt.Model, th float64, ws []Window) RealLogs {
	var real []Window
	for _, w := range ws {
		if w.Real && w.Label == 0 && w.Source == "loopback-unbound" {
			real = append(real, w)
		}
	}
	out := RealLogs{Source: "dns/loopback-unbound/capture.dnstap", Windows: len(real)}
	for _, s := range predict(m, real) {
		if s >= th {
			out.Alerted++
		}
	}
	out.AlertsPer10 = 1e4 * frac(out.Alerted, out.Windows)
	return out
}

// session generates one tool session of a new seed among nothing else.
func session(tool string, seed uint64, rate float64, length time.Duration) ([]datasets.DNSRecord, time.Time, error) {
	rng := rand.New(rand.NewPCG(seed, 0x666c6f6f72))
	start := time.Date(2027, 1, 4, 10, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(30)) * time.Second)
	recs, err := tunnelgen.Generate(tool, tunnelgen.Session{Start: start, Duration: length, Rate: rate}, rng)
	if err != nil || len(recs) == 0 {
		return nil, start, err
	}
	return recs, recs[0].Time, nil
}

// firstAlert streams recs and returns when the first window over th is
// emitted (its pane's close: end plus lateness), false if none is.
func firstAlert(m *gbdt.Model, th float64, recs []datasets.DNSRecord) (time.Time, bool) {
	s, _ := dnsdomain.NewStream(dnsdomain.Config{})
	lateness := s.Config().Lateness
	check := func(us []dnsdomain.Unit) (time.Time, bool) {
		for _, u := range us {
			if predict(m, []Window{{Unit: u}})[0] >= th {
				return u.WindowStart.Add(time.Duration(u.WindowSeconds)*time.Second + lateness), true
			}
		}
		return time.Time{}, false
	}
	for _, r := range recs {
		if t, ok := check(s.Add(r)); ok {
			return t, true
		}
	}
	return check(s.Flush())
}

// delays measures, per generated tool, 10 sessions of new seeds at their
// default rates (Cobalt Strike: 100 bytes a second of output; and its
// heartbeats alone, a beacon with nothing to send, as a row of its own).
func delays(m *gbdt.Model, th float64) ([]ToolDelay, error) {
	var out []ToolDelay
	for _, tool := range append(tunnelgen.Tools(), "cobaltstrike heartbeats only") {
		d := ToolDelay{Tool: tool}
		gen, rate := tool, 0.0
		switch tool {
		case tunnelgen.CobaltStrike:
			rate = 100
		case "cobaltstrike heartbeats only":
			gen = tunnelgen.CobaltStrike
		}
		var secs []float64
		for seed := range uint64(10) {
			recs, first, err := session(gen, 1000+seed, rate, 10*time.Minute)
			if err != nil {
				return nil, err
			}
			d.Sessions++
			if t, ok := firstAlert(m, th, recs); ok {
				d.Caught++
				secs = append(secs, t.Sub(first).Seconds())
			}
		}
		if len(secs) > 0 {
			slices.Sort(secs)
			d.Median, d.Worst = secs[len(secs)/2], secs[len(secs)-1]
		}
		out = append(out, d)
	}
	return out, nil
}

// floors tries rates from 200 down to 0.5 bytes a second, 5 ten-minute
// sessions each, per tool.
func floors(m *gbdt.Model, th float64) ([]ToolFloor, error) {
	rates := []float64{200, 100, 50, 20, 10, 5, 2, 1, 0.5}
	var out []ToolFloor
	for _, tool := range tunnelgen.Tools() {
		f := ToolFloor{Tool: tool, Sessions: 5}
		unbroken := true
		for _, rate := range rates {
			caught := 0
			for seed := range uint64(f.Sessions) {
				recs, _, err := session(tool, 2000+seed, rate, 10*time.Minute)
				if err != nil {
					return nil, err
				}
				if _, ok := firstAlert(m, th, recs); ok {
					caught++
				}
			}
			f.Tried, f.Caught = append(f.Tried, rate), append(f.Caught, caught)
			if unbroken = unbroken && caught == f.Sessions; unbroken {
				f.Rate = rate
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// throughputNetwork is the records the throughput is measured on.
func throughputNetwork() ([]datasets.DNSRecord, error) {
	return tunnelgen.Network{Duration: 30 * time.Minute}.Generate(rand.New(rand.NewPCG(99, 1)))
}

// aggregation times one Stream (as serve runs one) over a generated
// network's records, the median of 5 runs: queries a second on one core.
func aggregation() (float64, error) {
	recs, err := throughputNetwork()
	if err != nil {
		return 0, err
	}
	var rates []float64
	for range 5 {
		t0 := time.Now()
		if _, _, err := dnsdomain.Windows(recs, dnsdomain.Config{}); err != nil {
			return 0, err
		}
		rates = append(rates, float64(len(recs))/time.Since(t0).Seconds())
	}
	slices.Sort(rates)
	return rates[2], nil
}

// scoring times the model on the windows of the throughput network.
func scoring(m *gbdt.Model) (wps float64, err error) {
	recs, err := throughputNetwork()
	if err != nil {
		return 0, err
	}
	units, _, err := dnsdomain.Windows(recs, dnsdomain.Config{})
	if err != nil {
		return 0, err
	}
	ws := make([]Window, len(units))
	for i, u := range units {
		ws[i] = Window{Unit: u}
	}
	x := matrixOf(ws)
	out := make([]float64, len(ws))
	t1 := time.Now()
	for range 5 {
		m.Predict(x, out)
	}
	return 5 * float64(len(ws)) / time.Since(t1).Seconds(), nil
}

// Table renders the result for the console and the README.
func (r *Result) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tunnels: %d domain windows, %d of tunnels; leave one tool out, gbdt (depth 6, 100 rounds), threshold at ≤ 1 false alert in 10,000 validation windows\n", r.Windows, r.TunnelWindows)
	fmt.Fprintf(&b, "| held-out tool | real | windows | ROC-AUC | recall | false/10k | recall at ≤1/10k | RITA ROC-AUC | RITA recall (≥100) | RITA false/10k | RITA recall at ≤1/10k |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, t := range r.Tools {
		fmt.Fprintf(&b, "| %s | %v | %d | %.4f | %.3f | %.2f | %.3f | %.4f | %.3f | %.1f | %.3f |\n", t.Tool, t.Real, t.Windows, t.AUC, t.Recall, t.FalsePer10k,
			t.RecallAtBudget, t.RITAAUC, t.RITARecall, t.RITAFalsePer10k, t.RITARecallAtBudget)
	}
	fmt.Fprintf(&b, "real benign capture (%s): %d of %d windows alerted (%.1f per 10,000)\n", r.Real.Source, r.Real.Alerted, r.Real.Windows, r.Real.AlertsPer10)
	fmt.Fprintf(&b, "throughput on one core: %.0f queries/s aggregated, %.0f windows/s scored\n", r.QueriesPerSecond, r.WindowsPerSecond)
	for _, d := range r.Delay {
		fmt.Fprintf(&b, "delay %s: %d/%d sessions caught, median %.0fs, worst %.0fs after the first query\n", d.Tool, d.Caught, d.Sessions, d.Median, d.Worst)
	}
	for _, f := range r.Floor {
		fmt.Fprintf(&b, "floor %s: every session caught within 10 min at and above %g B/s; caught of %d at", f.Tool, f.Rate, f.Sessions)
		for i, rate := range f.Tried {
			fmt.Fprintf(&b, " %g:%d", rate, f.Caught[i])
		}
		fmt.Fprintln(&b)
	}
	return b.String()
}
