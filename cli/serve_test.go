package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
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
		{"kafka", `{"alerts": 2, "kafka-dns": {"read": 40, "bad": 3, "scored": 37}, "kafka-conn": {"read": 5},
			"kafka_partitions": {"kafka-dns": {"zeek-dns": [2, 0], "more": [1]}, "kafka-conn": {}}}`,
			"kafka-dns read=40 bad=3 scored=37 prefiltered=0 dropped=0 partitions=more:1 zeek-dns:0,2; " +
				"kafka-conn read=5 bad=0 scored=0 prefiltered=0 dropped=0 partitions=none; alerts=2"},
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

// TestFromCacheLine: `serve status` says which model a scorer served from
// its cache, since and until when; nothing for a scorer that did not.
func TestFromCacheLine(t *testing.T) {
	since := time.Date(2025, 3, 1, 12, 0, 0, 0, time.Local)
	until := since.Add(90 * time.Second)
	raw, err := json.Marshal(serving.Counters{ServedFromCache: &serving.CacheSpellCounts{Model: "dga@3", SHA256: "ab", Since: since, Until: &until}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fromCacheLine(raw), "served dga@3 from its local cache (registry unreachable) since 2025-03-01 12:00:00, until 2025-03-01 12:01:30"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, raw := range []string{`{"alerts": 1}`, `{`} {
		if got := fromCacheLine(json.RawMessage(raw)); got != "" {
			t.Errorf("%s: %q, want nothing", raw, got)
		}
	}
}

// TestServeStopsOnARegistryItCannotMigrate: a registry that answers but
// whose migration fails stops `mlctl serve` at start (only one that does
// not answer lets it start, from its cache).
func TestServeStopsOnARegistryItCannotMigrate(t *testing.T) {
	url := registrytest.NewDatabase(t)
	db, err := registry.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Pool().Exec(context.Background(), `CREATE TABLE datasets (x int)`); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- App(&out, &errOut).Run([]string{"mlctl", "--db", url, "serve", "--alias", "production", "--http", "127.0.0.1:0",
			"--state-dir", t.TempDir()})
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "apply migration") {
			t.Fatalf("serve on a registry whose migration fails: %v, want the migration's error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve on a registry whose migration fails started")
	}
}

// TestServeRefusesBadKafkaURLs: --kafka-dns and --kafka-conn URLs that do
// not parse, or that carry credentials, are usage errors saying why,
// before anything is started.
func TestServeRefusesBadKafkaURLs(t *testing.T) {
	for args, want := range map[string]string{
		"--kafka-dns kafka://broker":                    "--kafka-dns: kafka url \"kafka://broker\": no topic",
		"--kafka-conn kafka://u:p@broker/conn":          "credentials do not go in the URL",
		"--kafka-dns kafka://broker/dns?partitions=all": `unknown parameter "partitions"`,
	} {
		var out, errOut bytes.Buffer
		err := App(&out, &errOut).Run(append([]string{"mlctl", "--db", "postgres://127.0.0.1:1/none", "serve", "--state-dir", t.TempDir()}, strings.Fields(args)...))
		var u *usageError
		if err == nil || !errors.As(err, &u) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want a usage error saying %q", args, err, want)
		}
	}
}
