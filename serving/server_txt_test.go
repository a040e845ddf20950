package serving

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/serving/servingtest"
)

// TestServerScoresTXTAnswersOfAZeekDNSLog runs a scorer with a txt model
// promoted on a real registry and a dns.log holding TXT answers: the
// tunnel's records become alerts naming the query they answered, in the
// file and the table; other queries are skipped.
func TestServerScoresTXTAnswersOfAZeekDNSLog(t *testing.T) {
	db := registrytest.Open(t)
	pub := publishTXTModel(t, db, "txt")
	if _, err := db.SetAlias(context.Background(), registry.MoveAlias{Alias: "production", ModelID: pub.ID, Action: mlctl.ActionPromote, By: "t"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tsv := readTestdata(t, "zeekdns.log")
	header := tsv[:strings.Index(tsv, "\n1709287200")+1]
	line := func(ts, ip, query, qtype, answers string) string {
		return ts + "\tC1\t" + ip + "\t53000\t10.0.0.1\t53\tudp\t1\t0.001\t" + query + "\t1\tC_INTERNET\t16\t" + qtype + "\t0\tNOERROR\tF\tF\tT\tT\t0\t" + answers + "\t60.000000\tF\n"
	}
	log := header +
		line("1709287200.1", "10.0.0.5", "t1.tunnel.example", "TXT", "TXT 11 AgLCFgAABAA,TXT 11 AgLBXxCgkAA") +
		line("1709287200.2", "10.0.0.6", "example.com", "TXT", "TXT 11 v=spf1 -all") +
		line("1709287200.3", "10.0.0.6", "www.example.com", "A", "93.184.216.34") +
		line("1709287200.4", "10.0.0.6", "nx.example", "TXT", "-") +
		line("1709287200.5", "10.0.0.6", "mx.example.com", "TXT", "TXT 16 v=spf1 a\\x2cmx -all") +
		`{"ts":1709287200.6,"id.orig_h":"10.0.0.7","query":"t3.tunnel.example","qtype_name":"TXT","answers":["TXT 11 AgLAAAAABEA"]}` + "\n"
	path := filepath.Join(dir, "dns.log")
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	alerts := filepath.Join(dir, "alerts.jsonl")
	srv, err := NewServer(db, Config{Alias: "production", ZeekDNS: path, Alerts: alerts, Heartbeat: 100 * time.Millisecond}, quiet, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	c := srv.pipeline.Counters("zeek-dns")
	deadline := time.Now().Add(10 * time.Second)
	for c.Scored.Load()+c.Skipped.Load() < 8+2+5 { // header, A and nx skipped; 5 records
		if time.Now().After(deadline) {
			t.Fatalf("read %d lines, scored %d, skipped %d", c.Read.Load(), c.Scored.Load(), c.Skipped.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c.Read.Load() != 14 || c.Parsed.Load() != 6 || c.Bad.Load() != 0 || c.Scored.Load() != 5 || c.Skipped.Load() != 10 {
		t.Fatalf("counters read %d parsed %d bad %d scored %d skipped %d, want 14 6 0 5 10",
			c.Read.Load(), c.Parsed.Load(), c.Bad.Load(), c.Scored.Load(), c.Skipped.Load())
	}
	want := map[string]string{"AgLCFgAABAA": "t1.tunnel.example", "AgLBXxCgkAA": "t1.tunnel.example", "AgLAAAAABEA": "t3.tunnel.example"}
	data, err := os.ReadFile(alerts)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != len(want) {
		t.Fatalf("alerts file:\n%s\nwant alerts on %v", data, want)
	}
	for _, l := range lines {
		var a struct {
			Input, Source, Model string
			ClientIP             string            `json:"client_ip"`
			Campaign             int               `json:"campaign_id"`
			Detail               map[string]string `json:"detail"`
		}
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("alert line %q: %v", l, err)
		}
		if q, ok := want[a.Input]; !ok || a.Detail["query"] != q || len(a.Detail) != 1 || a.Source != "zeek-dns" || a.Model != "txt" || a.Campaign != registry.NoCampaign {
			t.Errorf("alert %s", l)
		}
	}
	stored, err := db.Alerts(context.Background(), 100)
	if err != nil || len(stored) != len(want) {
		t.Fatalf("%d alerts stored, want %d: %v", len(stored), len(want), err)
	}
}

// TestServerScoresTXTAnswersFromUnbound: a real unbound answers TXT queries
// from local data and logs its responses over dnstap to a scorer serving a
// txt model with --dnstap-responses: the tunnel's records (one of two
// character-strings, scored concatenated) become alerts naming their query.
func TestServerScoresTXTAnswersFromUnbound(t *testing.T) {
	servingtest.RequireTools(t)
	db := registrytest.Open(t)
	pub := publishTXTModel(t, db, "txt")
	if _, err := db.SetAlias(context.Background(), registry.MoveAlias{Alias: "production", ModelID: pub.ID, Action: mlctl.ActionPromote, By: "t"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "dnstap.sock")
	alerts := filepath.Join(dir, "alerts.jsonl")
	srv, err := NewServer(db, Config{Alias: "production", Dnstap: sock, DnstapResponses: true, Alerts: alerts, Heartbeat: 100 * time.Millisecond}, quiet, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	u := servingtest.StartUnbound(t, dir, sock,
		`t1.tunnel.example. 60 IN TXT "AgLCFgAABAA"`,
		`t1.tunnel.example. 60 IN TXT "AgLBXxCgkAA"`,
		`t2.tunnel.example. 60 IN TXT "AgLAAAMOeAEFTQkkyNzNQ" "MFA2OEo5SlQ"`,
		`example.com. 60 IN TXT "v=spf1 -all"`)
	for _, n := range []string{"t1.tunnel.example", "t2.tunnel.example", "example.com"} {
		if out := u.DigType(t, n, "TXT"); !strings.Contains(out, "status: NOERROR") || !strings.Contains(out, "IN\tTXT") {
			t.Fatalf("dig %s TXT:\n%s", n, out)
		}
	}
	want := map[string]string{"AgLCFgAABAA": "t1.tunnel.example", "AgLBXxCgkAA": "t1.tunnel.example", "AgLAAAMOeAEFTQkkyNzNQMFA2OEo5SlQ": "t2.tunnel.example"}
	c := srv.pipeline.Counters("dnstap")
	deadline := time.Now().Add(15 * time.Second)
	for srv.alerts.Raised() < uint64(len(want)) || c.Scored.Load() < 4 {
		if time.Now().After(deadline) {
			t.Fatalf("after 15s: %d alerts, read %d parsed %d skipped %d scored %d bad %d", srv.alerts.Raised(),
				c.Read.Load(), c.Parsed.Load(), c.Skipped.Load(), c.Scored.Load(), c.Bad.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	done <- nil
	stored, err := db.Alerts(context.Background(), 100)
	if err != nil || len(stored) != len(want) || c.Bad.Load() != 0 {
		t.Fatalf("%d alerts stored (%v), want %d; %d bad frames", len(stored), err, len(want), c.Bad.Load())
	}
	for _, a := range stored {
		var d map[string]string
		json.Unmarshal(a.Detail, &d)
		if q, ok := want[a.Input]; !ok || d["query"] != q || a.Source != "dnstap" || a.ClientIP != "127.0.0.1" {
			t.Errorf("alert %+v detail %s", a, a.Detail)
		}
	}
}
