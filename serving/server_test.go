package serving

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestServerChecksAZeekConnLog runs a scorer with only --zeek-conn on a
// real registry: a blacklisted host, a host on an unusual port and a bad
// line; the findings become alerts (file and table) when the windows close,
// and the bad line is counted.
func TestServerChecksAZeekConnLog(t *testing.T) {
	db := registrytest.Open(t)
	dir := t.TempDir()
	bl := filepath.Join(dir, "blacklist.txt")
	os.WriteFile(bl, []byte("# known bad\n198.51.100.0/24\n"), 0o644)
	list, err := LoadIPBlacklist(bl)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\n")
	b.WriteString("#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\n")
	t0 := int64(1700000000)
	for i := range 20 {
		fmt.Fprintf(&b, "%d.%06d\tC%d\t10.0.0.%d\t5%04d\t192.0.2.1\t443\ttcp\tssl\t0.5\t100\t200\tSF\n", t0+int64(i%10), i, i, 1+i%5, i)
	}
	fmt.Fprintf(&b, "%d.5\tCbl\t10.0.0.9\t51000\t198.51.100.7\t443\ttcp\t-\t0.1\t10\t0\tS0\n", t0+3)
	fmt.Fprintf(&b, "%d.6\tCport\t10.0.0.8\t51001\t192.0.2.80\t81\ttcp\t-\t0.1\t10\t0\tS0\n", t0+4)
	b.WriteString("not-a-time\tCbad\t10.0.0.1\t1\t192.0.2.1\t443\ttcp\t-\t-\t-\t-\tS0\n")
	conn := filepath.Join(dir, "conn.log")
	os.WriteFile(conn, []byte(b.String()), 0o644)

	alerts := filepath.Join(dir, "alerts.jsonl")
	srv, err := NewServer(db, Config{Alias: "production", ZeekConn: conn, Alerts: alerts, Flow: FlowCheckConfig{Blacklist: list}, Heartbeat: 100 * time.Millisecond}, quiet, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for srv.flows.counters.Read.Load() < 27 {
		if time.Now().After(deadline) {
			t.Fatalf("read %d lines of 27", srv.flows.counters.Read.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel() // graceful stop: open windows are closed and checked
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	c := srv.flows.counters
	if c.Bad.Load() != 1 || c.Parsed.Load() != 22 || c.Skipped.Load() != 4 {
		t.Fatalf("counters read %d parsed %d bad %d skipped %d", c.Read.Load(), c.Parsed.Load(), c.Bad.Load(), c.Skipped.Load())
	}
	data, err := os.ReadFile(alerts)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var a struct {
			Source, Input, Model string
			ClientIP             string `json:"client_ip"`
			Detail               struct {
				Checks []string `json:"checks"`
			} `json:"detail"`
		}
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("alert line %q: %v", line, err)
		}
		if a.Source != "zeek-conn" || a.Model != FlowRulesModel || !strings.HasPrefix(a.Input, a.ClientIP+"@2023-11-14T22:13:20Z") {
			t.Fatalf("alert %s", line)
		}
		checks[a.ClientIP] = strings.Join(a.Detail.Checks, ",")
	}
	if !strings.Contains(checks["10.0.0.9"], CheckBlacklist) || !strings.Contains(checks["10.0.0.8"], CheckUnusualPort) {
		t.Fatalf("findings by source %v, want blacklist for 10.0.0.9 and unusual_port for 10.0.0.8", checks)
	}
	stored, err := db.Alerts(context.Background(), 100)
	if err != nil || len(stored) != len(checks) {
		t.Fatalf("%d alerts stored for %d findings: %v", len(stored), len(checks), err)
	}
	ss, err := db.Scorers(context.Background(), "production")
	if err != nil || len(ss) != 1 || ss[0].StoppedAt == nil || !strings.Contains(string(ss[0].Counters), `"zeek-conn"`) {
		t.Fatalf("scorer row %+v %v", ss, err)
	}
}

// TestShutdownLetsRequestsInFlightFinish: a large request is still being
// scored when the scorer is told to stop; it gets its full answer.
func TestShutdownLetsRequestsInFlightFinish(t *testing.T) {
	db := registrytest.Open(t)
	m := publishModel(t, db, "dga", 5)
	if _, err := db.SetAlias(context.Background(), registry.MoveAlias{Alias: "production", ModelID: m.ID, Action: mlctl.ActionPromote, By: "t"}); err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(db, Config{Alias: "production", HTTPAddr: "127.0.0.1:0", MaxInputs: 300000}, quiet, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	for srv.Holder().Get() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	names := make([]string, 300000)
	for i := range names {
		names[i] = fmt.Sprintf("host%d.example%d.com", i, i%97)
	}
	body, _ := json.Marshal(map[string][]string{"names": names})
	type answer struct {
		code, results int
		err           error
	}
	got := make(chan answer, 1)
	go func() {
		resp, err := http.Post("http://"+srv.Addr()+"/v1/score", "application/json", bytes.NewReader(body))
		if err != nil {
			got <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		var r struct {
			Results []json.RawMessage `json:"results"`
		}
		err = json.NewDecoder(resp.Body).Decode(&r)
		got <- answer{resp.StatusCode, len(r.Results), err}
	}()
	time.Sleep(150 * time.Millisecond) // the request is being read or scored
	cancel()
	// (That Run waits for it before returning, so the process does not exit
	// under it, is checked with a real process in e2e.)
	a := <-got
	if a.err != nil || a.code != 200 || a.results != len(names) {
		t.Fatalf("request in flight at shutdown: %+v", a)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
