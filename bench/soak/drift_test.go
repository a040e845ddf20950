package soak

import (
	"strings"
	"testing"
	"time"
)

func TestDriftWindows(t *testing.T) {
	warm, end := driftWindows(30 * time.Minute)
	if warm.From != 300 || warm.To != 600 || end.From != 1500 || end.To != 1800 {
		t.Errorf("30m: warm %v end %v", warm, end)
	}
	warm, end = driftWindows(3 * time.Minute)
	if warm.From != 60 || warm.To != 120 || end.From != 120 || end.To != 180 {
		t.Errorf("3m: warm %v end %v", warm, end)
	}
}

// samples makes a 3-minute run sampled every 10 s whose RSS, p99,
// goroutines and open files are f(i) for the i-th sample.
func samples(f func(i int) (rss, p99 float64, gor, fds int)) []Sample {
	var out []Sample
	for i := 1; i <= 18; i++ {
		rss, p99, gor, fds := f(i)
		out = append(out, Sample{Seconds: float64(i)*10 + 0.004, RSSMB: rss, P99Ms: p99, Requests: 500, Goroutines: gor, OpenFDs: fds})
	}
	return out
}

func TestComputeDrift(t *testing.T) {
	// Flat but for warm-up in the first third and one slow sample.
	flat := samples(func(i int) (float64, float64, int, int) {
		if i <= 3 {
			return 50, 9, 20, 12
		}
		p99 := 2.0
		if i == 15 {
			p99 = 40 // a GC pause or a neighbour: the median ignores it
		}
		return 100, p99, 30, 16
	})
	d := computeDrift(flat, 3*time.Minute, 10*time.Second)
	if d.Warm.Samples != 6 || d.End.Samples != 6 {
		t.Fatalf("windows hold %d and %d samples, want 6 each", d.Warm.Samples, d.End.Samples)
	}
	if d.RSSPct != 0 || d.P99Pct != 0 || d.P99EndMs != 2 {
		t.Errorf("flat run: RSS %+.1f%%, p99 %+.1f%% (end %.2f ms)", d.RSSPct, d.P99Pct, d.P99EndMs)
	}
	if g := d.Goroutines; g.First != 20 || g.Last != 30 || g.Max != 30 || g.WarmMedian != 30 || g.EndMedian != 30 {
		t.Errorf("goroutines %+v", g)
	}

	// RSS grows 1 MB a sample: a leak.
	leak := samples(func(i int) (float64, float64, int, int) { return 100 + float64(i), 2, 30, 16 })
	d = computeDrift(leak, 3*time.Minute, 10*time.Second)
	// warm: samples 7..12, median 109.5; end: 13..18, median 115.5.
	if d.RSSWarmMB != 109.5 || d.RSSEndMB != 115.5 {
		t.Errorf("leak: RSS %.1f → %.1f", d.RSSWarmMB, d.RSSEndMB)
	}
}

func TestJudge(t *testing.T) {
	good := func() *Report {
		r := &Report{
			Drift: computeDrift(samples(func(int) (float64, float64, int, int) { return 100, 2, 30, 16 }), 3*time.Minute, 10*time.Second),
			Inputs: Inputs{Zeek: SourceResult{Sent: 1008}, Dnstap: SourceResult{Sent: 1000},
				HTTP: HTTPResult{Requests: 9000}},
			Stop: Stop{InTime: true, Exit: "exit 0"},
		}
		r.Inputs.Zeek.Scorer.Read, r.Inputs.Dnstap.Scorer.Read = 1008, 1000
		r.Alerts = Alerts{Metrics: map[string]uint64{"name": 7, "client": 2}, Heartbeat: 9,
			Registry: map[string]uint64{"name": 7, "client": 2}, File: map[string]uint64{"name": 7, "client": 2}}
		r.Alerts.check()
		return r
	}
	if v := judge(good()); !v.Pass {
		t.Fatalf("a flat, exact run fails: %+v", v.Checks)
	}
	for name, spoil := range map[string]func(*Report){
		"RSS drift":       func(r *Report) { r.Drift.RSSPct = 5.1 },
		"p99 drift":       func(r *Report) { r.Drift.P99Pct = 25 },
		"goroutines flat": func(r *Report) { r.Drift.Goroutines.EndMedian = 41 },
		"open files flat": func(r *Report) { r.Drift.OpenFDs.EndMedian = 22 },
		"alerts exact": func(r *Report) {
			r.Alerts.File["name"] = 6
			r.Alerts.check()
		},
		"dnstap inputs":  func(r *Report) { r.Inputs.Dnstap.Scorer.Dropped = 1 },
		"dns.log inputs": func(r *Report) { r.Inputs.Zeek.Scorer.Read = 1007 },
		"HTTP requests":  func(r *Report) { r.Inputs.HTTP.Failed = 1 },
		"clean stop":     func(r *Report) { r.Stop.Exit = "signal: killed" },
		"run complete":   func(r *Report) { r.Interrupted = true },
	} {
		r := good()
		spoil(r)
		v := judge(r)
		if v.Pass {
			t.Errorf("%s spoiled: the verdict passes", name)
		}
		for _, c := range v.Checks {
			if c.Pass == (c.Name == name) {
				t.Errorf("%s spoiled: check %q pass=%v (%s)", name, c.Name, c.Pass, c.Got)
			}
		}
	}
}

func TestAlertsCheckSaysWhere(t *testing.T) {
	a := Alerts{Metrics: map[string]uint64{"name": 3}, Heartbeat: 3, Registry: map[string]uint64{"name": 2}, File: map[string]uint64{"name": 3}, StoreFailed: 1}
	a.check()
	if a.Exact || !strings.Contains(a.Mismatch, "name: 3 counted, 2 in the registry, 3 in the file") || !strings.Contains(a.Mismatch, "1 alerts the registry did not take") {
		t.Errorf("exact %v, mismatch %q", a.Exact, a.Mismatch)
	}
}

func TestPacer(t *testing.T) {
	start := time.Unix(1000, 0)
	p := newPacer(500, start)
	sent := 0
	for ms := 0; ms <= 10_000; ms += 97 { // jittery ticks
		sent += p.due(start.Add(time.Duration(ms) * time.Millisecond))
	}
	if want := 4995; sent != want { // floor(500 × 9.991)
		t.Errorf("sent %d over 9.991 s at 500/s, want %d", sent, want)
	}
}
