package serving

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/serving/sinktest"
)

// fastOutputs are output options for tests: quick retries.
var fastOutputs = OutputOptions{RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond, Timeout: 2 * time.Second,
	FlushTimeout: 2 * time.Second, Hostname: "sensor1"}

// sinkAlerts are n alerts with their IDs, cycling through the kinds and
// three clients.
func sinkAlerts(n int) []registry.Alert {
	kinds := kindAlerts()
	order := []string{registry.AlertName, registry.AlertClient, registry.AlertTunnel, registry.AlertFlow, registry.AlertTXT}
	out := make([]registry.Alert, n)
	for i := range out {
		a := kinds[order[i%len(order)]]
		a.UID = fmt.Sprintf("0191f1a0-0000-7000-8000-%012d", i)
		a.ClientIP = fmt.Sprintf("10.0.0.%d", 1+i%3)
		a.Input = fmt.Sprintf("%s-%d", a.Input, i)
		out[i] = a
	}
	return out
}

func openOutput(t *testing.T, u string, o OutputOptions) *AlertOutput {
	t.Helper()
	out, err := OpenAlertOutput(u, o, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	return out
}

func waitOutput(t *testing.T, out *AlertOutput, what string, cond func(DeliveryCounts) bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !cond(out.Counts()); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 15s; counters %+v", what, out.Counts())
		}
	}
}

// ecsOf decodes an ECS document and checks the fields every output must
// carry; it returns the alert ID (event.id).
func ecsOf(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("not an ECS JSON document: %v: %.200s", err, raw)
	}
	if lookup(doc, "event.kind") != "alert" || lookup(doc, "event.dataset") != "mlctl.alert" || lookup(doc, "@timestamp") == nil {
		t.Fatalf("not an mlctl ECS alert: %.300s", raw)
	}
	return doc
}

// TestSinkSyslog sends alerts to syslog collectors run in the test over
// UDP, TCP and TLS (with a client certificate), which parse RFC 5424 and,
// on streams, octet-counting framing: every alert arrives once, as a
// well-formed message with the ECS document as MSG. The TCP collector
// drops its connections halfway; the output reconnects and nothing is
// lost.
func TestSinkSyslog(t *testing.T) {
	pki, err := sinktest.NewPKI(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, network := range []string{"udp", "tcp", "tls"} {
		t.Run(network, func(t *testing.T) {
			rcv, err := sinktest.ListenSyslog(network, pki.Server, true)
			if err != nil {
				t.Fatal(err)
			}
			defer rcv.Close()
			u := "syslog+" + network + "://" + rcv.Addr + "?facility=local3&severity=crit"
			if network == "tls" {
				u += "&" + url.Values{"ca": {pki.CA}, "cert": {pki.ClientCert}, "key": {pki.ClientKey}, "server_name": {"localhost"}}.Encode()
			}
			out := openOutput(t, u, fastOutputs)
			alerts := sinkAlerts(60)
			out.Offer(alerts[:30])
			waitOutput(t, out, "the first 30 delivered", func(c DeliveryCounts) bool { return c.Delivered == 30 })
			if network == "tcp" {
				for rcv.Count() < 30 {
					time.Sleep(5 * time.Millisecond)
				}
				rcv.DropConns()
				time.Sleep(20 * time.Millisecond)
			}
			out.Offer(alerts[30:])
			waitOutput(t, out, "all 60 delivered", func(c DeliveryCounts) bool { return c.Delivered == 60 })
			for deadline := time.Now().Add(5 * time.Second); rcv.Count() < 60 && time.Now().Before(deadline); {
				time.Sleep(5 * time.Millisecond)
			}
			msgs := rcv.Messages()
			if rcv.Bad() != 0 || len(msgs) != 60 {
				t.Fatalf("%d messages received (%d did not parse), want 60", len(msgs), rcv.Bad())
			}
			seen := map[string]bool{}
			for i, m := range msgs {
				if m.Priority != 19*8+2 || m.Hostname != "sensor1" || m.AppName != "mlctl" || m.SData != "-" || m.ProcID != fmt.Sprint(os.Getpid()) {
					t.Fatalf("message %d header: %+v", i, m)
				}
				doc := ecsOf(t, m.Msg)
				if m.MsgID != lookup(doc, "mlctl.kind") || !m.Timestamp.Equal(alerts[0].SeenAt) {
					t.Fatalf("message %d: MSGID %s, timestamp %v, kind %v", i, m.MsgID, m.Timestamp, lookup(doc, "mlctl.kind"))
				}
				seen[lookup(doc, "event.id").(string)] = true
			}
			if len(seen) != 60 {
				t.Fatalf("%d distinct alerts among 60 messages", len(seen))
			}
			if network == "tcp" && rcv.Conns() < 2 {
				t.Fatalf("%d connections: the output did not reconnect after the collector dropped it", rcv.Conns())
			}
		})
	}
}

// TestSinkElasticsearch sends alerts to a _bulk server run in the test,
// which answers one batch with errors:true: one item 429 (retried, then
// stored) and one 400 (refused: dropped and counted). Every other alert
// is stored once with its alert ID as _id, authenticated by API key from
// the environment.
func TestSinkElasticsearch(t *testing.T) {
	es := sinktest.NewBulkServer(true)
	defer es.Close()
	es.APIKey = "c2VjcmV0OmtleQ=="
	refusedID := fmt.Sprintf("0191f1a0-0000-7000-8000-%012d", 7)
	es.ItemStatus = func(n int, id string) int {
		switch {
		case n == 3:
			return http.StatusTooManyRequests
		case id == refusedID:
			return http.StatusBadRequest
		}
		return 0
	}
	o := fastOutputs
	o.Getenv = func(k string) string {
		if k == EnvElasticsearchKey {
			return es.APIKey
		}
		return ""
	}
	o.Batch = 10
	out := openOutput(t, "elasticsearch+"+es.URL+"/mlctl-alerts", o)
	if out.Name() != "elasticsearch+"+es.URL+"/mlctl-alerts" {
		t.Fatalf("name %q", out.Name())
	}
	alerts := sinkAlerts(25)
	out.Offer(alerts)
	waitOutput(t, out, "24 delivered, 1 refused", func(c DeliveryCounts) bool { return c.Delivered == 24 && c.Dropped == 1 })
	c := out.Counts()
	if c.Retried != 1 || c.Failures != 1 {
		t.Fatalf("counters %+v, want 1 alert retried after 1 failed try", c)
	}
	docs := es.Docs()
	if len(docs) != 24 {
		t.Fatalf("%d documents stored, want 24", len(docs))
	}
	ids := map[string]bool{}
	for _, d := range docs {
		ids[lookup(ecsOf(t, d), "event.id").(string)] = true
	}
	for _, a := range alerts {
		if ids[a.UID] == (a.UID == refusedID) {
			t.Fatalf("alert %s stored %v", a.UID, ids[a.UID])
		}
	}
	// A batch sent again (its answer lost) stores nothing twice: the
	// server answers 409 and the output counts it delivered.
	out.Offer(alerts[:5])
	waitOutput(t, out, "the repeat taken", func(c DeliveryCounts) bool { return c.Delivered == 29 })
	if es.Count() != 24 {
		t.Fatalf("%d documents after a repeat, want 24", es.Count())
	}
}

// TestSinkSplunk sends alerts to a HEC run in the test that checks the
// Authorization header: a wrong token is retried (never delivered), the
// right one (from the environment) delivers every alert as an event of
// sourcetype mlctl:alert, after a 503 (server busy) retried.
func TestSinkSplunk(t *testing.T) {
	hec := sinktest.NewHECServer("0b5c8f6e-1111-2222-3333-444455556666", true)
	defer hec.Close()
	base := strings.Replace(hec.URL, "http://", "splunk+http://", 1)
	badOpts := fastOutputs
	badOpts.FlushTimeout = 50 * time.Millisecond
	bad := openOutput(t, base+"?token=wrong", badOpts)
	bad.Offer(sinkAlerts(3))
	waitOutput(t, bad, "the wrong token refused and retried", func(c DeliveryCounts) bool { return c.Failures >= 2 })
	if c := bad.Counts(); c.Delivered != 0 || hec.Unauthorized() < 2 {
		t.Fatalf("wrong token: counters %+v, %d requests unauthorized", c, hec.Unauthorized())
	}
	if _, err := OpenAlertOutput(base, OutputOptions{Getenv: func(string) string { return "" }}, quiet); err == nil || !strings.Contains(err.Error(), EnvSplunkToken) {
		t.Fatalf("no token: %v", err)
	}
	o := fastOutputs
	o.Getenv = func(k string) string {
		if k == EnvSplunkToken {
			return hec.Token
		}
		return ""
	}
	hec.FailNext(1)
	out := openOutput(t, base+"?index=soc", o)
	alerts := sinkAlerts(40)
	out.Offer(alerts)
	waitOutput(t, out, "40 delivered", func(c DeliveryCounts) bool { return c.Delivered == 40 })
	if c := out.Counts(); c.Retried != 40 || c.Failures != 1 || c.Dropped != 0 {
		t.Fatalf("counters %+v, want the batch retried once after the 503", c)
	}
	evs := hec.Events()
	if len(evs) != 40 {
		t.Fatalf("%d events, want 40", len(evs))
	}
	for i, raw := range evs {
		var ev struct {
			Time       float64         `json:"time"`
			Host       string          `json:"host"`
			Sourcetype string          `json:"sourcetype"`
			Index      string          `json:"index"`
			Event      json.RawMessage `json:"event"`
		}
		json.Unmarshal(raw, &ev)
		doc := ecsOf(t, ev.Event)
		if ev.Sourcetype != "mlctl:alert" || ev.Host != "sensor1" || ev.Index != "soc" || lookup(doc, "event.id") != alerts[i].UID ||
			ev.Time != float64(alerts[i].SeenAt.UnixMicro())/1e6 {
			t.Fatalf("event %d: %.300s", i, raw)
		}
	}
}

// TestSinkKafka produces alerts to franz-go's in-process kfake cluster
// (no Kafka broker can be installed here; kfake speaks the Kafka protocol
// over TCP to the real kgo client) and consumes them back: every alert
// once, keyed by its client IP, each client's alerts on one partition in
// the order they were raised.
func TestSinkKafka(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(2), kfake.SeedTopics(3, "mlctl-alerts"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	out := openOutput(t, "kafka://"+strings.Join(cluster.ListenAddrs(), ",")+"/mlctl-alerts", fastOutputs)
	alerts := sinkAlerts(90)
	for i := 0; i < len(alerts); i += 7 {
		out.Offer(alerts[i:min(i+7, len(alerts))])
	}
	waitOutput(t, out, "90 produced", func(c DeliveryCounts) bool { return c.Delivered == 90 })

	cl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.ConsumeTopics("mlctl-alerts"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	byKey := map[string][]string{}
	partOf := map[string]int32{}
	n := 0
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for n < 90 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("consumed %d of 90 records", n)
		}
		fs.EachRecord(func(r *kgo.Record) {
			n++
			doc := ecsOf(t, r.Value)
			key := string(r.Key)
			if lookup(doc, "source.ip") != key {
				t.Errorf("record key %q, source.ip %v", key, lookup(doc, "source.ip"))
			}
			if p, ok := partOf[key]; ok && p != r.Partition {
				t.Errorf("client %s on partitions %d and %d", key, p, r.Partition)
			}
			partOf[key] = r.Partition
			byKey[key] = append(byKey[key], lookup(doc, "event.id").(string))
		})
	}
	for key, ids := range byKey {
		if !slices.IsSorted(ids) || len(ids) != 30 {
			t.Fatalf("client %s: %d alerts, in order %v", key, len(ids), slices.IsSorted(ids))
		}
	}
}

// TestSinkECSFile writes ECS lines to a file and reopens it after a
// rename (logrotate): lines before stay in the renamed file, later ones
// go to the new file at the path.
func TestSinkECSFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "alerts.ecs.jsonl")
	out := openOutput(t, "ecs:"+path, fastOutputs)
	out.Offer(sinkAlerts(5))
	waitOutput(t, out, "5 written", func(c DeliveryCounts) bool { return c.Delivered == 5 })
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := out.Reopen(); err != nil {
		t.Fatal(err)
	}
	out.Offer(sinkAlerts(8)[5:])
	waitOutput(t, out, "8 written", func(c DeliveryCounts) bool { return c.Delivered == 8 })
	for p, want := range map[string]int{path + ".1": 5, path: 3} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) != want {
			t.Fatalf("%s: %d lines, want %d", p, len(lines), want)
		}
		for _, l := range lines {
			ecsOf(t, []byte(l))
		}
	}
}

// TestSinkURLs: bad --sink URLs are refused with a reason, and names keep
// no secrets.
func TestSinkURLs(t *testing.T) {
	for _, c := range []struct{ url, want string }{
		{"ftp://x", "unknown scheme"},
		{"syslog+tcp://127.0.0.1:514?facilty=local0", "unknown option"},
		{"syslog+udp://127.0.0.1:514?facility=local9", "facility"},
		{"syslog+tls://127.0.0.1?ca=/nonexistent", "ca"},
		{"syslog+tls://127.0.0.1?cert=/x", "together"},
		{"splunk+http://127.0.0.1:8088", "no HEC token"},
		{"elasticsearch+http://127.0.0.1:9200/a/b", "one path segment"},
		{"elasticsearch+http://127.0.0.1:9200/a?ca=/x", "+https"},
		{"kafka://b1:9092", "TOPIC"},
		{"kafka://b1:9092/t?sasl=plain&user=u", "password"},
		{"kafka://u:p@b1:9092/t", "credentials"},
		{"ecs:", "no file"},
	} {
		_, err := OpenAlertOutput(c.url, OutputOptions{Getenv: func(string) string { return "" }}, quiet)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.url, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), ":p@") {
			t.Errorf("%s: the error shows the password: %v", c.url, err)
		}
	}
	out := openOutput(t, "splunk+https://127.0.0.1:8088?token=s3cret", fastOutputs)
	if out.Name() != "splunk+https://127.0.0.1:8088" {
		t.Fatalf("name %q", out.Name())
	}
}

// TestDeadSinkDoesNotBlockScoring: an Elasticsearch that never answers
// and a syslog collector that never reads hold no alert raised: AlertSink
// Add returns at once, the registry still gets every alert, and each dead
// output keeps its newest --sink-buffer alerts and counts the rest
// dropped; Close gives up after the flush timeout, counting what it held
// as dropped.
func TestDeadSinkDoesNotBlockScoring(t *testing.T) {
	db := registrytest.Open(t)
	hang := make(chan struct{})
	es := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer es.Close()
	defer close(hang)
	ln, err := net.Listen("tcp", "127.0.0.1:0") // accepts, never reads
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	o := OutputOptions{Buffer: 1000, Batch: 100, Timeout: 30 * time.Second, FlushTimeout: 300 * time.Millisecond}
	esURL := "elasticsearch+" + es.URL + "/alerts"
	sink, err := NewAlertSinkWith(db, "s1", quiet, AlertSinkOptions{Sinks: []string{esURL, "syslog+tcp://" + ln.Addr().String()}, Outputs: o})
	if err != nil {
		t.Fatal(err)
	}
	const total = 10000
	start := time.Now()
	for i := 0; i < total; i += 500 {
		sink.Add(context.Background(), numberedAlerts(i, i+500))
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("adding %d alerts took %v with dead sinks", total, took)
	}
	waitFor(t, "every alert in the registry and offered to the outputs", func() bool {
		d := sink.Delivery()
		return d[SinkRegistry].Delivered == total && d[esURL].Dropped+uint64(d[esURL].Buffered) >= total-100
	}, sink)
	c := sink.Delivery()[esURL]
	// One batch (100) is in flight; the buffer holds 1000, or 900 when the
	// output took its batch from a full buffer after the last Add.
	if c.Delivered != 0 || c.Dropped+uint64(c.Buffered) != total-100 || c.Buffered < 900 || c.Buffered > 1000 {
		t.Fatalf("dead Elasticsearch: %+v, want 100 in flight, 900 to 1000 buffered, the rest (%d in all) dropped", c, total-100)
	}
	start = time.Now()
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("close took %v with a 300ms flush timeout", took)
	}
	for name, c := range sink.Delivery() {
		if name != SinkRegistry && (c.Dropped+c.Delivered != total || c.Buffered != 0) {
			t.Fatalf("%s after close: %+v, want every alert delivered or dropped", name, c)
		}
	}
}
