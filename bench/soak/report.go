package soak

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Report is what a soak run measured and its verdict; written as JSON and
// printed by Table.
type Report struct {
	When     time.Time `json:"when"`
	Machine  string    `json:"machine"`
	Data     string    `json:"data"`
	Dir      string    `json:"run_dir"`
	Duration string    `json:"duration"`
	Interval string    `json:"interval"`
	// Seconds is how long the load ran (less than Duration when
	// interrupted).
	Seconds float64 `json:"load_seconds"`
	Rates   Rates   `json:"rates"`
	Model   Model   `json:"model"`
	// Idle is the scorer sampled with its model loaded, before any load.
	Idle    Sample   `json:"before_load"`
	Samples []Sample `json:"samples"`
	Drift   Drift    `json:"drift"`
	Inputs  Inputs   `json:"inputs"`
	Alerts  Alerts   `json:"alerts"`
	Stop    Stop     `json:"stop"`
	// Interrupted is set when the run was cut short (SIGINT, SIGTERM);
	// Errors are the failures of feeds or samples that ended it early.
	Interrupted bool     `json:"interrupted,omitempty"`
	Errors      []string `json:"errors,omitempty"`
	Verdict     Verdict  `json:"verdict"`
}

// Rates are the load the run offered.
type Rates struct {
	HTTPPerSec      int     `json:"http_requests_per_sec"`
	NamesPerRequest int     `json:"names_per_request"`
	ZeekPerSec      int     `json:"zeek_lines_per_sec"`
	DnstapPerSec    int     `json:"dnstap_frames_per_sec"`
	DGAShare        float64 `json:"dga_share"`
	Clients         int     `json:"clients"`
	Infected        int     `json:"infected_clients"`
}

// Model is the model the scorer served.
type Model struct {
	Ref          string  `json:"model"`
	SHA256       string  `json:"sha256"`
	Algo         string  `json:"algo"`
	TrainRows    int     `json:"train_rows"`
	TrainSeconds float64 `json:"train_seconds"`
	Threshold    float64 `json:"threshold"`
	AUC          float64 `json:"auc_roc"`
}

// Write writes the report as indented JSON to path, creating its folder.
func (r *Report) Write(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("soak report: %w", err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Table renders the report for people: the load, the samples over time,
// the drift and every check.
func (r *Report) Table() string {
	var b strings.Builder
	q := r.Rates
	fmt.Fprintf(&b, "soak: one `mlctl serve` for %s (load ran %.0f s), sampled every %s, on %s\n", r.Duration, r.Seconds, r.Interval, r.Machine)
	fmt.Fprintf(&b, "load: HTTP %d req/s × %d names, dns.log %d lines/s, dnstap %d frames/s; %.0f%% DGA names from %d infected clients among %d\n",
		q.HTTPPerSec, q.NamesPerRequest, q.ZeekPerSec, q.DnstapPerSec, 100*q.DGAShare, q.Infected, q.Clients+q.Infected)
	m := r.Model
	fmt.Fprintf(&b, "model: %s (%s, %d rows of %s, trained in %.0f s, ROC-AUC %.3f, threshold %.4f)\n", m.Ref, m.Algo, m.TrainRows, r.Data, m.TrainSeconds, m.AUC, m.Threshold)
	fmt.Fprintf(&b, "before load: RSS %.1f MB, heap %.1f MB, %d goroutines, %d open files\n\n", r.Idle.RSSMB, r.Idle.HeapMB, r.Idle.Goroutines, r.Idle.OpenFDs)
	b.WriteString(sampleHeader + "\n")
	for _, x := range r.Samples {
		b.WriteString(x.row() + "\n")
	}
	d := r.Drift
	fmt.Fprintf(&b, "\ndrift: warm window %s vs end window %s\n", d.Warm, d.End)
	fmt.Fprintf(&b, "  RSS (median)        %8.1f MB → %8.1f MB  %+6.1f%%\n", d.RSSWarmMB, d.RSSEndMB, d.RSSPct)
	fmt.Fprintf(&b, "  HTTP p99 (median)   %8.2f ms → %8.2f ms  %+6.1f%%  (machine load average %.2f → %.2f)\n", d.P99WarmMs, d.P99EndMs, d.P99Pct, d.Load1Warm, d.Load1End)
	fmt.Fprintf(&b, "  scorer CPU (median) %8.1f %%  → %8.1f %%   %+6.1f%%  (of one core)\n", d.CPUWarm, d.CPUEnd, pctChange(d.CPUWarm, d.CPUEnd))
	fmt.Fprintf(&b, "  goroutines          first %d, last %d, max %d; median %.0f → %.0f\n", d.Goroutines.First, d.Goroutines.Last, d.Goroutines.Max, d.Goroutines.WarmMedian, d.Goroutines.EndMedian)
	fmt.Fprintf(&b, "  open files          first %d, last %d, max %d; median %.0f → %.0f\n", d.OpenFDs.First, d.OpenFDs.Last, d.OpenFDs.Max, d.OpenFDs.WarmMedian, d.OpenFDs.EndMedian)
	h := r.Inputs.HTTP
	fmt.Fprintf(&b, "  HTTP whole run      %d requests, %d failed, p50 %.2f ms, p99 %.2f ms, max %.1f ms\n", h.Requests, h.Failed, h.P50Ms, h.P99Ms, h.MaxMs)
	a := r.Alerts
	fmt.Fprintf(&b, "alerts: counted %s (before SIGTERM); final heartbeat %d; registry %s; file %s; %d name alerts deduplicated\n",
		byKind(a.Metrics), a.Heartbeat, byKind(a.Registry), byKind(a.File), a.Deduplicated)
	for _, sink := range slices.Sorted(maps.Keys(a.Delivery)) {
		d := a.Delivery[sink]
		fmt.Fprintf(&b, "  delivered to the %s: %d (%d through the spool), %d dropped, %d left in the spool\n", sink, d.Delivered, d.Spooled, d.Dropped, d.InSpool)
	}
	fmt.Fprintf(&b, "stop: drained %.1f s after the load ended, exited (%s) %.1f s after SIGTERM\n\n", r.Stop.DrainSeconds, r.Stop.Exit, r.Stop.StopSeconds)
	for _, c := range r.Verdict.Checks {
		mark := "PASS"
		if !c.Pass {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "  %s  %-16s %-44s %s\n", mark, c.Name, c.Target, c.Got)
	}
	verdict := "PASS: every target met"
	if !r.Verdict.Pass {
		verdict = "FAIL: a target was missed"
	}
	if r.Seconds < 25*60 {
		verdict += fmt.Sprintf(" (a %.0f s run: its windows are thirds of it; the targets are for the 30-minute run)", r.Seconds)
	}
	fmt.Fprintf(&b, "verdict: %s\n", verdict)
	return b.String()
}

// byKind shows counts by alert kind, kinds in order: "name 621 + client 11 = 632".
func byKind(m map[string]uint64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return fmt.Sprintf("%s = %d", strings.Join(parts, " + "), total(m))
}

// String shows a window as (from, to] in seconds with its sample count.
func (w Window) String() string {
	return fmt.Sprintf("(%.0fs, %.0fs] (%d samples)", w.From, w.To, w.Samples)
}

// sampleHeader heads the rows of row.
const sampleHeader = "     t  RSS MB  heap MB  gorout  fds  cpu%   req  fail  p50 ms  p99 ms  max ms  zeek sent/read   dnstap sent/read  queue  drop  alerts  load1"

// row is a sample as one line of the table.
func (x Sample) row() string {
	return fmt.Sprintf("%5.0fs  %6.1f  %7.1f  %6d  %3d  %4.1f  %4d  %4d  %6.2f  %6.2f  %6.1f  %7d/%-7d  %7d/%-7d  %5d  %4d  %6d  %5.2f",
		x.Seconds, x.RSSMB, x.HeapMB, x.Goroutines, x.OpenFDs, x.CPUPercent, x.Requests, x.Failed, x.P50Ms, x.P99Ms, x.MaxMs,
		x.ZeekSent, x.ZeekRead, x.DnstapSent, x.DnstapRead, x.Queue, x.Dropped, x.Alerts, x.Load1)
}
