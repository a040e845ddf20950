package soak

import (
	"math"
	"time"

	"github.com/mlctl/mlctl/bench/stats"
)

// Window is a span of the run, the samples taken after From and up to To
// (seconds since the load started).
type Window struct {
	From    float64 `json:"from_seconds"`
	To      float64 `json:"to_seconds"`
	Samples int     `json:"samples"`
}

// driftWindows are the spans compared: minutes 5–10 (after warm-up) and
// the last 5 minutes for runs of 15 minutes or more; the second and the
// last third of shorter runs.
func driftWindows(d time.Duration) (warm, end Window) {
	s := d.Seconds()
	if d >= 15*time.Minute {
		return Window{From: 300, To: 600}, Window{From: s - 300, To: s}
	}
	return Window{From: s / 3, To: 2 * s / 3}, Window{From: 2 * s / 3, To: s}
}

// Drift compares the end of the run with its warm window.
type Drift struct {
	Warm Window `json:"warm_window"`
	End  Window `json:"end_window"`
	// RSS and P99 are the medians of the window's samples; their Pct the
	// end's change from the warm window in percent (positive: grew).
	RSSWarmMB float64 `json:"rss_warm_mb"`
	RSSEndMB  float64 `json:"rss_end_mb"`
	RSSPct    float64 `json:"rss_drift_pct"`
	P99WarmMs float64 `json:"p99_warm_ms"`
	P99EndMs  float64 `json:"p99_end_ms"`
	P99Pct    float64 `json:"p99_drift_pct"`
	// CPUWarm and CPUEnd are the scorer's median CPU (percent of one
	// core) in each window: the same load should cost the same.
	CPUWarm float64 `json:"cpu_warm_percent"`
	CPUEnd  float64 `json:"cpu_end_percent"`
	// Load1Warm and Load1End are the machine's median load average in
	// each window: a p99 that moved with it moved with the neighbours.
	Load1Warm float64 `json:"load1_warm"`
	Load1End  float64 `json:"load1_end"`
	// Goroutines and OpenFDs: the first and last sample, and the windows'
	// medians.
	Goroutines Level `json:"goroutines"`
	OpenFDs    Level `json:"open_fds"`
}

// Level is a count the scorer should hold flat.
type Level struct {
	First      int     `json:"first"`
	Last       int     `json:"last"`
	Max        int     `json:"max"`
	WarmMedian float64 `json:"warm_median"`
	EndMedian  float64 `json:"end_median"`
}

// computeDrift places samples in the windows of a run of length d (by
// their nominal time, the interval they close) and compares them.
func computeDrift(samples []Sample, d, interval time.Duration) Drift {
	warm, end := driftWindows(d)
	var dr Drift
	var rss, p99 [2][]float64
	var gor, fds, load, cpu [2][]float64
	for _, x := range samples {
		at := math.Round(x.Seconds/interval.Seconds()) * interval.Seconds()
		for i, w := range []*Window{&warm, &end} {
			if at > w.From && at <= w.To {
				w.Samples++
				rss[i] = append(rss[i], x.RSSMB)
				if x.Requests > 0 {
					p99[i] = append(p99[i], x.P99Ms)
				}
				gor[i] = append(gor[i], float64(x.Goroutines))
				fds[i] = append(fds[i], float64(x.OpenFDs))
				load[i] = append(load[i], x.Load1)
				cpu[i] = append(cpu[i], x.CPUPercent)
			}
		}
	}
	dr.Warm, dr.End = warm, end
	dr.RSSWarmMB, dr.RSSEndMB = median(rss[0]), median(rss[1])
	dr.RSSPct = pctChange(dr.RSSWarmMB, dr.RSSEndMB)
	dr.P99WarmMs, dr.P99EndMs = median(p99[0]), median(p99[1])
	dr.P99Pct = pctChange(dr.P99WarmMs, dr.P99EndMs)
	dr.Load1Warm, dr.Load1End = median(load[0]), median(load[1])
	dr.CPUWarm, dr.CPUEnd = median(cpu[0]), median(cpu[1])
	dr.Goroutines = level(samples, gor, func(x Sample) int { return x.Goroutines })
	dr.OpenFDs = level(samples, fds, func(x Sample) int { return x.OpenFDs })
	return dr
}

// level sums up one count over the run and its windows.
func level(samples []Sample, windows [2][]float64, get func(Sample) int) Level {
	var l Level
	if len(samples) == 0 {
		return l
	}
	l.First, l.Last = get(samples[0]), get(samples[len(samples)-1])
	for _, x := range samples {
		l.Max = max(l.Max, get(x))
	}
	l.WarmMedian, l.EndMedian = median(windows[0]), median(windows[1])
	return l
}

// median is stats.Median with 0 for no values (JSON has no NaN).
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return stats.Median(v)
}

// pctChange is b's change from a in percent (0 when a is 0).
func pctChange(a, b float64) float64 {
	if a == 0 {
		return 0
	}
	return 100 * (b - a) / a
}
