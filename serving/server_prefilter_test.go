package serving

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/features/prefilter"
	"github.com/mlctl/mlctl/published/publishedtest"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// publishAlertingModel publishes a small real name model whose threshold
// is 0: every name it scores is an alert, so a name that raises none was
// not scored.
func publishAlertingModel(t *testing.T, db *registry.DB, name string) *registry.Model {
	t.Helper()
	return publishedtest.Publish(t, db, name, publishedtest.NameModel(t, 7, 400, 5, false), 0)
}

// TestServerPrefiltersNames runs a scorer on a real registry with a model
// that alerts on every name it scores, --internal-suffix and --allowlist:
// the .local, _tcp, single-label, reverse, internal and allowlisted names
// of a Zeek dns.log raise no alert and are counted by reason on their
// source; over HTTP they are answered {"input","score":0,"label":0,"prefiltered"}; /metrics
// has mlctl_prefiltered_total by reason and source.
func TestServerPrefiltersNames(t *testing.T) {
	db := registrytest.Open(t)
	pub := publishAlertingModel(t, db, "dga")
	if _, err := db.SetAlias(context.Background(), registry.MoveAlias{Alias: "production", ModelID: pub.ID, Action: mlctl.ActionPromote, By: "t"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	allow := filepath.Join(dir, "allow.txt")
	if err := os.WriteFile(allow, []byte("# benign sites\nitsfoss.com\nreadthedocs.org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pf, err := prefilter.New(prefilter.Options{InternalSuffixes: []string{"ise.acme.org"}, AllowlistFile: allow})
	if err != nil {
		t.Fatal(err)
	}
	tsv := readTestdata(t, "zeekdns.log")
	header := tsv[:strings.Index(tsv, "\n1709287200")+1]
	line := func(ts, query string) string {
		return ts + "\tC1\t10.0.0.5\t53000\t10.0.0.1\t53\tudp\t1\t0.001\t" + query + "\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t-\t-\tF\n"
	}
	queries := map[string]prefilter.Reason{
		"www.google.com":          prefilter.None,
		"xjwqkzpvbn.com":          prefilter.None,
		"printer.local":           prefilter.Local,
		"PRINTER.local.":          prefilter.Local,
		"_vlmcs._tcp.acme.org":    prefilter.ServiceLabel,
		"wpad":                    prefilter.SingleLabel,
		"4.3.2.1.in-addr.arpa":    prefilter.Arpa,
		"node7.ise.acme.org":      prefilter.InternalSuffix,
		"www.itsfoss.com":         prefilter.Allowlist,
		"docs.readthedocs.org":    prefilter.Allowlist,
		"kq3vxj9wzt2m.acme.org":   prefilter.None,
		"printer.example.invalid": prefilter.SpecialUse,
	}
	var log strings.Builder
	log.WriteString(header)
	for i, q := range slices.Sorted(maps.Keys(queries)) {
		log.WriteString(line(fmt.Sprintf("1709287200.%d", i+1), q))
	}
	path := filepath.Join(dir, "dns.log")
	if err := os.WriteFile(path, []byte(log.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	alerts := filepath.Join(dir, "alerts.jsonl")
	srv, err := NewServer(db, Config{Alias: "production", ZeekDNS: path, HTTPAddr: "127.0.0.1:0", Alerts: alerts,
		Heartbeat: 100 * time.Millisecond, Prefilter: pf}, quiet, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	stop := sync.OnceValue(func() error { cancel(); return <-done })
	t.Cleanup(func() { stop() })
	c := srv.pipeline.Counters("zeek-dns")
	deadline := time.Now().Add(10 * time.Second)
	for c.Scored.Load()+c.Prefiltered.Total() < uint64(len(queries)) {
		if time.Now().After(deadline) {
			t.Fatalf("read %d lines, scored %d, prefiltered %v", c.Read.Load(), c.Scored.Load(), c.Prefiltered.Map())
		}
		time.Sleep(20 * time.Millisecond)
	}
	wantCounts := map[string]uint64{}
	var scored []string
	for q, r := range queries {
		if r == prefilter.None {
			scored = append(scored, q)
			continue
		}
		wantCounts[r.String()]++
	}
	slices.Sort(scored)
	if got := c.Prefiltered.Map(); c.Scored.Load() != uint64(len(scored)) || fmt.Sprint(got) != fmt.Sprint(wantCounts) {
		t.Fatalf("zeek-dns scored %d, prefiltered %v; want %d and %v", c.Scored.Load(), got, len(scored), wantCounts)
	}

	// Over HTTP: a prefiltered name gets its reason, score 0 and label 0.
	names := []string{"printer.local", "_vlmcs._tcp.acme.org", "WPAD", "www.itsfoss.com", "node.ise.acme.org", "xjwqkzpvbn.com", "bad name"}
	body, _ := json.Marshal(map[string][]string{"names": names})
	resp, err := http.Post("http://"+srv.Addr()+"/v1/score", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var answer struct {
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil || resp.StatusCode != 200 || len(answer.Results) != len(names) {
		t.Fatalf("POST /v1/score: %d %s %v", resp.StatusCode, raw, err)
	}
	wantHTTP := []string{"local", "service_label", "single_label", "allowlist", "internal_suffix", "", ""}
	for i, r := range answer.Results {
		_, hasScore := r["score"]
		_, hasLabel := r["label"]
		switch {
		case r["input"] != names[i]:
			t.Errorf("result %d: input %v, want %q", i, r["input"], names[i])
		case wantHTTP[i] != "" && (r["prefiltered"] != wantHTTP[i] || !hasScore || !hasLabel || r["score"] != 0.0 || r["label"] != 0.0 || len(r) != 4):
			t.Errorf("result %d: %v, want {input, score 0, label 0, prefiltered: %s}", i, r, wantHTTP[i])
		case wantHTTP[i] == "" && r["prefiltered"] != nil:
			t.Errorf("result %d: %v, want it not prefiltered", i, r)
		}
	}
	if !strings.Contains(string(raw), `{"input":"xjwqkzpvbn.com","score":`) || !strings.Contains(string(raw), `{"input":"bad name","error":`) {
		t.Fatalf("answer %s", raw)
	}

	resp, err = http.Get("http://" + srv.Addr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`mlctl_prefiltered_total{reason="local",source="zeek-dns"} 2`,
		`mlctl_prefiltered_total{reason="allowlist",source="zeek-dns"} 2`,
		`mlctl_prefiltered_total{reason="special_use",source="zeek-dns"} 1`,
		`mlctl_prefiltered_total{reason="local",source="http"} 1`,
		`mlctl_prefiltered_total{reason="internal_suffix",source="http"} 1`,
		`mlctl_prefiltered_total{reason="arpa",source="http"} 0`,
		`mlctl_source_scored_total{source="zeek-dns"} 3`,
	} {
		if !strings.Contains(string(metrics), want+"\n") {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	if err := stop(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(alerts)
	if err != nil {
		t.Fatal(err)
	}
	var alerted []string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var a struct{ Input, Kind string }
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("alert line %q: %v", l, err)
		}
		if a.Kind == "client" {
			// The three names scored come from one client: its verdict.
			continue
		}
		alerted = append(alerted, a.Input)
	}
	slices.Sort(alerted)
	if !slices.Equal(alerted, scored) {
		t.Fatalf("alerts on %v, want exactly the names scored %v", alerted, scored)
	}
	stored, err := db.Alerts(context.Background(), 100)
	stored = slices.DeleteFunc(stored, func(a registry.Alert) bool { return a.Kind == "client" })
	if err != nil || len(stored) != len(scored) {
		t.Fatalf("%d alerts stored, want %d: %v", len(stored), len(scored), err)
	}
}
