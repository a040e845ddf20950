package soak

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/serving"
)

func TestJudge(t *testing.T) {
	good := func() *Report {
		r := &Report{
			Drift: computeDrift(samples(func(int) (float64, float64, int, int) { return 100, 2, 30, 16 }), 3*time.Minute, 10*time.Second),
			Inputs: Inputs{Zeek: SourceResult{Sent: 1008}, Dnstap: SourceResult{Sent: 1000},
				HTTP: HTTPResult{Requests: 9000}},
			Stop: Stop{InTime: true, Exit: "exit 0"},
		}
		r.Inputs.Zeek.Scorer.Read, r.Inputs.Dnstap.Scorer.Read = 1008, 1000
		delivered := serving.DeliveryCounts{Delivered: 9}
		r.Alerts = Alerts{Metrics: map[string]uint64{"name": 7, "client": 2}, Heartbeat: 9,
			Delivery: map[string]serving.DeliveryCounts{serving.SinkRegistry: delivered, serving.SinkFile: delivered}}
		reg, file := newAlertSet(), newAlertSet()
		for i := range 9 {
			kind := "name"
			if i >= 7 {
				kind = "client"
			}
			reg.add(kind, fmt.Sprint(i))
			file.add(kind, fmt.Sprint(i))
		}
		r.Alerts.compare(reg, file)
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
		"alerts exact ": func(r *Report) { // the check's name, for a second way to spoil it
			d := r.Alerts.Delivery[serving.SinkFile]
			d.Dropped = 1
			r.Alerts.Delivery[serving.SinkFile] = d
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
			if c.Pass == (c.Name == strings.TrimSpace(name)) {
				t.Errorf("%s spoiled: check %q pass=%v (%s)", name, c.Name, c.Pass, c.Got)
			}
		}
	}
}
