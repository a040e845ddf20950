package serving

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/serving/sinktest"
)

// TestServerTwoSinks runs a scorer on a real registry that checks a Zeek
// conn.log (a blacklisted host) with two --sink outputs combined, an ECS
// file and a syslog TCP collector run in the test: the alert reaches the
// registry and both outputs as the same ECS alert, /metrics counts it
// delivered by sink, and the scorer's heartbeat row carries the outputs'
// counters (what `mlctl serve status` shows).
func TestServerTwoSinks(t *testing.T) {
	db := registrytest.Open(t)
	dir := t.TempDir()
	bl := filepath.Join(dir, "blacklist.txt")
	os.WriteFile(bl, []byte("198.51.100.0/24\n"), 0o644)
	list, err := LoadIPBlacklist(bl)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\n")
	fmt.Fprintf(&b, "1700000003.5\tCbl\t10.0.0.9\t51000\t198.51.100.7\t443\ttcp\t-\t0.1\t10\t0\tS0\n")
	conn := filepath.Join(dir, "conn.log")
	os.WriteFile(conn, []byte(b.String()), 0o644)

	rcv, err := sinktest.ListenSyslog("tcp", nil, true)
	if err != nil {
		t.Fatal(err)
	}
	defer rcv.Close()
	ecsPath := filepath.Join(dir, "alerts.ecs.jsonl")
	syslogURL := "syslog+tcp://" + rcv.Addr
	reg := prometheus.NewRegistry()
	srv, err := NewServer(db, Config{Alias: "production", ZeekConn: conn, Flow: FlowCheckConfig{Blacklist: list}, Heartbeat: 50 * time.Millisecond,
		Sinks: []string{"ecs:" + ecsPath, syslogURL}, Outputs: fastOutputs}, quiet, reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	for deadline := time.Now().Add(10 * time.Second); srv.flows.counters.Read.Load() < 3; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the conn.log was not read")
		}
	}
	cancel() // the window closes at shutdown; its alert is flushed to every sink
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	stored, err := db.Alerts(context.Background(), 10)
	if err != nil || len(stored) != 1 {
		t.Fatalf("%d alerts stored: %v", len(stored), err)
	}
	uid := stored[0].UID
	line, err := os.ReadFile(ecsPath)
	if err != nil {
		t.Fatal(err)
	}
	fileDoc := ecsOf(t, line)
	msgs := rcv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d syslog messages, want 1", len(msgs))
	}
	syslogDoc := ecsOf(t, msgs[0].Msg)
	for name, doc := range map[string]map[string]any{"ecs file": fileDoc, "syslog": syslogDoc} {
		if lookup(doc, "event.id") != uid || lookup(doc, "source.ip") != "10.0.0.9" || lookup(doc, "rule.name") != "mlctl flow" ||
			lookup(doc, "observer.name") != srv.ID() {
			t.Fatalf("%s: %v", name, doc)
		}
	}
	if got := testutil.ToFloat64(mustCollect(t, reg, "mlctl_alerts_delivered_total", syslogURL)); got != 1 {
		t.Fatalf("mlctl_alerts_delivered_total{sink=%q} = %v", syslogURL, got)
	}
	ss, err := db.Scorers(context.Background(), "production")
	if err != nil || len(ss) != 1 {
		t.Fatalf("scorer rows %v %v", ss, err)
	}
	var c Counters
	if err := json.Unmarshal(ss[0].Counters, &c); err != nil {
		t.Fatal(err)
	}
	if d := c.Delivery[syslogURL]; d.Delivered != 1 || c.Delivery["ecs:"+ecsPath].Delivered != 1 {
		t.Fatalf("heartbeat delivery counters %+v", c.Delivery)
	}
}

// mustCollect is the metric family name's sample labeled sink.
func mustCollect(t *testing.T, reg *prometheus.Registry, name, sink string) prometheus.Collector {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "sink" && l.GetValue() == sink {
					return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name}, func() float64 { return m.GetCounter().GetValue() })
				}
			}
		}
	}
	t.Fatalf("no %s{sink=%q}", name, sink)
	return nil
}
