package soak

import (
	"fmt"
	"math"
)

// The soak's targets (issue 15).
const (
	// MaxRSSDriftPct is how much the resident set may grow from the warm
	// window to the end window, in percent.
	MaxRSSDriftPct = 5
	// MaxP99DriftPct is how much the HTTP p99 may grow likewise.
	MaxP99DriftPct = 20
)

// flatSlack is how far a count held flat may rise from the warm window's
// median to the end window's: at least abs, or frac of the warm median. A
// single sample may catch a request in flight or a pool connection being
// replaced; a leak keeps rising.
func flatSlack(warm float64, abs int, frac float64) float64 {
	return math.Max(float64(abs), frac*warm)
}

// Check is one target and what the run got.
type Check struct {
	Name   string `json:"name"`
	Target string `json:"target"`
	Got    string `json:"got"`
	Pass   bool   `json:"pass"`
}

// Verdict is every check; Pass when all pass.
type Verdict struct {
	Pass   bool    `json:"pass"`
	Checks []Check `json:"checks"`
}

// judge checks a report against the targets.
func judge(r *Report) Verdict {
	var v Verdict
	add := func(name, target, got string, pass bool) {
		v.Checks = append(v.Checks, Check{Name: name, Target: target, Got: got, Pass: pass})
	}
	d := r.Drift
	windows := d.Warm.Samples > 0 && d.End.Samples > 0
	add("RSS drift", fmt.Sprintf("< %d%%", MaxRSSDriftPct),
		fmt.Sprintf("%+.1f%% (%.1f → %.1f MB)", d.RSSPct, d.RSSWarmMB, d.RSSEndMB), windows && d.RSSPct < MaxRSSDriftPct)
	add("p99 drift", fmt.Sprintf("< %d%%", MaxP99DriftPct),
		fmt.Sprintf("%+.1f%% (%.2f → %.2f ms)", d.P99Pct, d.P99WarmMs, d.P99EndMs), windows && d.P99WarmMs > 0 && d.P99Pct < MaxP99DriftPct)
	g := d.Goroutines
	gs := flatSlack(g.WarmMedian, 10, 0.10)
	add("goroutines flat", "end median ≤ warm median + max(10, 10%)",
		fmt.Sprintf("%.0f → %.0f (first %d, last %d, max %d)", g.WarmMedian, g.EndMedian, g.First, g.Last, g.Max), windows && g.EndMedian <= g.WarmMedian+gs)
	f := d.OpenFDs
	fs := flatSlack(f.WarmMedian, 5, 0.10)
	add("open files flat", "end median ≤ warm median + max(5, 10%)",
		fmt.Sprintf("%.0f → %.0f (first %d, last %d, max %d)", f.WarmMedian, f.EndMedian, f.First, f.Last, f.Max), windows && f.EndMedian <= f.WarmMedian+fs)
	a := r.Alerts
	got := fmt.Sprintf("%d counted = %d heartbeat = %d rows = %d lines", total(a.Metrics), a.Heartbeat, total(a.Registry), total(a.File))
	if !a.Exact {
		got = a.Mismatch
	}
	add("alerts exact", "counted = heartbeat = rows = lines by kind; same IDs, once; all delivered", got, a.Exact)
	for _, s := range []struct {
		name string
		r    SourceResult
	}{{"dns.log", r.Inputs.Zeek}, {"dnstap", r.Inputs.Dnstap}} {
		c := s.r.Scorer
		add(s.name+" inputs", "read = sent, none dropped or bad",
			fmt.Sprintf("%d sent, %d read, %d scored, %d prefiltered, %d dropped, %d bad", s.r.Sent, c.Read, c.Scored, c.Prefiltered, c.Dropped, c.Bad),
			c.Read == s.r.Sent && c.Dropped == 0 && c.Bad == 0)
	}
	h := r.Inputs.HTTP
	got = fmt.Sprintf("%d of %d failed", h.Failed, h.Requests)
	if len(h.Errors) > 0 {
		got += fmt.Sprintf(" (first: %s)", h.Errors[0])
	}
	add("HTTP requests", "every one answered 200 with a result per name", got, h.Requests > 0 && h.Failed == 0)
	add("clean stop", "exit 0 within 60 s of SIGTERM", fmt.Sprintf("%s after %.1f s", r.Stop.Exit, r.Stop.StopSeconds), r.Stop.InTime && r.Stop.Exit == "exit 0")
	if r.Interrupted || len(r.Errors) > 0 {
		add("run complete", "the whole duration, no feed failed", fmt.Sprintf("interrupted %v, errors %q", r.Interrupted, r.Errors), false)
	}
	v.Pass = true
	for _, c := range v.Checks {
		v.Pass = v.Pass && c.Pass
	}
	return v
}
