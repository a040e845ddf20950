package serving

import (
	"encoding/json"
	"reflect"
	"testing"
)

// storedCounters is a scorer row's counters as the heartbeat stored them
// before Counters existed (a map): every field, sources and shadow included.
const storedCounters = `{"queue": 0, "swaps": 1, "alerts": 53,
	"shadow": {"id": 1, "scored": 131, "champion": "dga@1", "challenger": "dga@2", "disagreements": 119, "champion_alerts": 61, "challenger_alerts": 62},
	"zeek-dns": {"bad": 1, "read": 108, "parsed": 102, "scored": 100, "dropped": 0, "skipped": 5, "prefiltered": 2},
	"zeek-conn": {"bad": 0, "read": 214, "parsed": 210, "scored": 0, "dropped": 0, "skipped": 4, "prefiltered": 0},
	"dnstap": {"bad": 0, "read": 7, "parsed": 7, "scored": 6, "dropped": 0, "skipped": 1, "prefiltered": 0},
	"live_sample": {"rows": 20, "seen": 131}, "client_alerts": 7, "refused_models": 2, "http_txt_scored": 3,
	"refused_shadows": 1, "http_prefiltered": 1, "http_names_scored": 31, "alerts_deduplicated": 0}`

// TestCountersKeepTheStoredShape: Counters decode every field of a row
// stored before them and encode back the same JSON object; without a
// source, shadow, live sample or client windows, those fields are absent,
// as they were.
func TestCountersKeepTheStoredShape(t *testing.T) {
	var c Counters
	if err := json.Unmarshal([]byte(storedCounters), &c); err != nil {
		t.Fatal(err)
	}
	if c.Source(SourceZeekDNS).Read != 108 || c.Source(SourceDnstap).Scored != 6 || c.Source(SourceZeekConn).Parsed != 210 || c.Source("http") != nil ||
		c.Shadow.Challenger != "dga@2" || c.LiveSample.Seen != 131 || c.AlertsDeduplicated == nil || c.HTTPTXTScored != 3 {
		t.Fatalf("decoded %+v", c)
	}
	var want, got map[string]any
	json.Unmarshal([]byte(storedCounters), &want)
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(b, &got)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("encoded\n%s\nwant\n%s", b, storedCounters)
	}

	b, err = json.Marshal(Counters{Alerts: 1})
	if err != nil {
		t.Fatal(err)
	}
	const bare = `{"http_names_scored":0,"http_txt_scored":0,"http_prefiltered":0,"alerts":1,"client_alerts":0,"swaps":0,"refused_models":0,"refused_shadows":0,"queue":0}`
	if string(b) != bare {
		t.Fatalf("encoded %s, want %s", b, bare)
	}
}
