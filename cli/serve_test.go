package cli

import (
	"encoding/json"
	"testing"

	"github.com/mlctl/mlctl/serving"
)

// TestCountersLine: `serve status` condenses the counters a heartbeat
// stored, rows written before serving.Counters (a map) included.
func TestCountersLine(t *testing.T) {
	for _, tc := range []struct{ name, raw, want string }{
		{"every part", `{"queue": 0, "swaps": 1, "alerts": 53, "shadow": {"id": 1, "scored": 131, "champion": "dga@1", "challenger": "dga@2",
			"disagreements": 119, "champion_alerts": 61, "challenger_alerts": 62},
			"zeek-dns": {"bad": 1, "read": 108, "parsed": 102, "scored": 100, "dropped": 0, "skipped": 5, "prefiltered": 2},
			"zeek-conn": {"bad": 0, "read": 214, "parsed": 210, "scored": 0, "dropped": 0, "skipped": 4, "prefiltered": 0},
			"live_sample": {"rows": 20, "seen": 131}, "client_alerts": 7, "refused_models": 0, "http_txt_scored": 0,
			"refused_shadows": 0, "http_prefiltered": 1, "http_names_scored": 31, "alerts_deduplicated": 3}`,
			"zeek-dns read=108 bad=1 scored=100 prefiltered=2 dropped=0; zeek-conn read=214 bad=0 scored=0 prefiltered=0 dropped=0; " +
				"http scored=31; alerts=53 client=7 deduplicated=3; shadow 1 of dga@2 scored=131 disagreements=119"},
		{"dnstap only, nothing yet", `{"alerts": 0, "dnstap": {"read": 0}, "http_names_scored": 0, "client_alerts": 0}`,
			"dnstap read=0 bad=0 scored=0 prefiltered=0 dropped=0; alerts=0"},
		{"not JSON", `{`, ""},
	} {
		if got := countersLine(json.RawMessage(tc.raw)); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// TestCountersLineOfAHeartbeat: what a heartbeat stores decodes back.
func TestCountersLineOfAHeartbeat(t *testing.T) {
	d := uint64(2)
	raw, err := json.Marshal(serving.Counters{Alerts: 4, AlertsDeduplicated: &d, Dnstap: &serving.SourceCounts{Read: 9, Scored: 8, Dropped: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := countersLine(raw), "dnstap read=9 bad=0 scored=8 prefiltered=0 dropped=1; alerts=4 deduplicated=2"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestMetricsRegistry: a scorer's registry has the process and Go
// runtime metrics.
func TestMetricsRegistry(t *testing.T) {
	reg, err := metricsRegistry()
	if err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, mf := range mfs {
		have[mf.GetName()] = true
	}
	for _, name := range []string{"process_start_time_seconds", "go_goroutines", "go_memstats_alloc_bytes"} {
		if !have[name] {
			t.Errorf("no %s among %d families", name, len(mfs))
		}
	}
}
