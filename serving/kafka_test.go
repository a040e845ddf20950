package serving

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// The Kafka tests run against franz-go's in-process kfake cluster
// (github.com/twmb/franz-go/pkg/kfake), a Kafka broker speaking the real
// wire protocol (produce, fetch, consumer groups, offset commits) on
// loopback: no Kafka broker can be installed on this machine (no JVM
// package, and nothing but the package registries reached).

// kafkaCluster starts a one-broker kfake cluster with topics of 4
// partitions, closed when the test ends.
func kafkaCluster(t *testing.T, topics ...string) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, topics...))
	if err != nil {
		t.Fatalf("start the in-process Kafka cluster (kfake): %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// kafkaProducer is a client producing to chosen partitions.
func kafkaProducer(t *testing.T, c *kfake.Cluster) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// produce writes values to topic, value i to partition i%4.
func produce(t *testing.T, cl *kgo.Client, topic string, values []string) {
	t.Helper()
	recs := make([]*kgo.Record, len(values))
	for i, v := range values {
		recs[i] = &kgo.Record{Topic: topic, Partition: int32(i % 4), Value: []byte(v)}
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// committed is the group's committed offsets of topic, by partition.
func committed(t *testing.T, c *kfake.Cluster, group, topic string) map[int32]int64 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	offs, err := kadm.NewClient(cl).FetchOffsets(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	for p, o := range offs[topic] {
		out[p] = o.At
	}
	return out
}

// kafkaInput is a KafkaInput of the cluster's topic.
func kafkaInput(c *kfake.Cluster, topic, group string) *KafkaInput {
	return &KafkaInput{Brokers: c.ListenAddrs(), Topics: []string{topic}, Group: group}
}

// syncBuffer is a log sink shared by goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// dnsJSON is a Zeek dns.log record in JSON.
func dnsJSON(i int, client, name string) string {
	return fmt.Sprintf(`{"ts":%d.%06d,"uid":"C%d","id.orig_h":%q,"id.orig_p":53000,"id.resp_h":"10.0.0.1","id.resp_p":53,"proto":"udp","query":%q,"qtype_name":"A","rcode_name":"NXDOMAIN"}`,
		1700000000+i, i, i, client, name)
}

// kafkaNames are n distinct names, half random letter strings (DGA-like),
// half words of a host name; each its own client so no alert is
// de-duplicated.
func kafkaNames(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 7))
	names := make([]string, n)
	for i := range names {
		if i%2 == 0 {
			b := make([]byte, 12+r.IntN(6))
			for j := range b {
				b[j] = byte('a' + r.IntN(26))
			}
			names[i] = fmt.Sprintf("%s.%s", b, []string{"com", "net", "info"}[i%3])
		} else {
			names[i] = fmt.Sprintf("mail%d.example%d.org", i, seed)
		}
	}
	return names
}

// overThreshold are the names the model scores at or over its threshold.
func overThreshold(t *testing.T, db *registry.DB, pub *registry.Model, names []string) map[string]bool {
	t.Helper()
	m, err := Load(context.Background(), db, pub)
	if err != nil {
		t.Fatal(err)
	}
	scores := make([]float64, len(names))
	m.Scorer.Score(names, scores)
	out := map[string]bool{}
	for i, s := range scores {
		if s >= m.Threshold {
			out[names[i]] = true
		}
	}
	if len(out) == 0 || len(out) == len(names) {
		t.Fatalf("fixture: %d of %d names over the threshold; want some, not all", len(out), len(names))
	}
	return out
}

// nameAlerts counts an alerts file's name alerts by input, checking
// their source.
func nameAlerts(t *testing.T, path, source string, into map[string]int) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		var a struct{ Kind, Source, Input string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("alert line %s: %v", sc.Bytes(), err)
		}
		if a.Kind != registry.AlertName || a.Source != source {
			t.Fatalf("alert %s: want a name alert from %s", sc.Bytes(), source)
		}
		into[a.Input]++
	}
}

// TestKafkaDNSScoresCountsBadAndResumesAfterCommit: a scorer consumes Zeek
// JSON dns.log records, bare and wrapped as the zeek-kafka plugin writes
// them, from a topic of 4 partitions; the names over the threshold are
// name alerts from kafka-dns, as from a file. Malformed records are
// counted bad, each logged with its topic, partition and offset; a record
// of another log is skipped. On stop the scorer commits every partition's
// end. A second scorer in the same group, after more records came,
// scores only those: nothing committed is scored again.
func TestKafkaDNSScoresCountsBadAndResumesAfterCommit(t *testing.T) {
	db := registrytest.Open(t)
	pub := publishModel(t, db, "dga", 3)
	promote(t, db, "production", pub)
	c := kafkaCluster(t, "zeek-dns")
	prod := kafkaProducer(t, c)

	names := kafkaNames(1, 40)
	want := overThreshold(t, db, pub, names)
	var values []string
	for i, n := range names {
		v := dnsJSON(i, fmt.Sprintf("10.1.0.%d", i), n)
		if i%3 == 0 {
			v = `{"dns": ` + v + `}`
		}
		values = append(values, v)
	}
	// Partition i%4: 40 → partition 0, 41 → 1, 42 → 2, 43 → 3.
	values = append(values,
		"not json at all",
		`{"ts":"yesterday","query":"a.example.com"}`,
		`{"dns": {"ts":1700000000.5,"query":17}}`,
		`{"conn": {"ts":1700000000.5,"uid":"C1","id.orig_h":"10.0.0.1"}}`)
	produce(t, prod, "zeek-dns", values)

	dir := t.TempDir()
	alerts := filepath.Join(dir, "alerts.jsonl")
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	cfg := Config{Alias: "production", KafkaDNS: kafkaInput(c, "zeek-dns", ""), Alerts: alerts, Heartbeat: 100 * time.Millisecond,
		Pipeline: PipelineOptions{Clients: ClientWindowOptions{Off: true}}}
	srv, err := NewServer(db, cfg, log, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	stop := run(t, srv)
	counts := srv.pipeline.Counters(SourceKafkaDNS)
	waitFor(t, "44 records read and 40 names scored", func() bool { return counts.Read.Load() == 44 && counts.Scored.Load() == 40 })
	stop()

	if counts.Parsed.Load() != 40 || counts.Bad.Load() != 3 || counts.Skipped.Load() != 1 || counts.Dropped.Load() != 0 {
		t.Fatalf("counters %+v", counts.Counts())
	}
	for _, line := range []string{
		"topic zeek-dns partition 0 offset 10: not a JSON object",
		`topic zeek-dns partition 1 offset 10: field ts: \"yesterday\" is not a time`,
		`topic zeek-dns partition 2 offset 10: field query: \"17\" is not a string`,
	} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("no bad record logged as %q in\n%s", line, logs.String())
		}
	}
	got := map[string]int{}
	nameAlerts(t, alerts, SourceKafkaDNS, got)
	for n := range want {
		if got[n] != 1 {
			t.Errorf("%s: %d alerts, want 1", n, got[n])
		}
	}
	if len(got) != len(want) {
		t.Errorf("alerts for %d names, want %d: %v", len(got), len(want), got)
	}
	group := DefaultKafkaGroup("production", SourceKafkaDNS)
	if off := committed(t, c, group, "zeek-dns"); len(off) != 4 || off[0] != 11 || off[1] != 11 || off[2] != 11 || off[3] != 11 {
		t.Fatalf("group %s committed %v, want offset 11 on each of the 4 partitions", group, off)
	}

	// A restart in the same group: only the new records are read.
	more := kafkaNames(2, 8)
	values = values[:0]
	for i, n := range more {
		values = append(values, dnsJSON(100+i, "10.2.0.1", n))
	}
	produce(t, prod, "zeek-dns", values)
	alerts2 := filepath.Join(dir, "alerts2.jsonl")
	cfg.Alerts = alerts2
	srv2, err := NewServer(db, cfg, quiet, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	stop2 := run(t, srv2)
	counts2 := srv2.pipeline.Counters(SourceKafkaDNS)
	waitFor(t, "the 8 new records scored", func() bool { return counts2.Scored.Load() == 8 })
	time.Sleep(300 * time.Millisecond) // a re-read of committed records would show now
	stop2()
	if counts2.Read.Load() != 8 || counts2.Bad.Load() != 0 {
		t.Fatalf("after a restart: %+v, want the 8 new records only", counts2.Counts())
	}
	got2 := map[string]int{}
	nameAlerts(t, alerts2, SourceKafkaDNS, got2)
	for n := range got2 {
		if !slices.Contains(more, n) {
			t.Errorf("after a restart, an alert for %s, scored before the commit", n)
		}
	}
	if off := committed(t, c, group, "zeek-dns"); off[0] != 13 || off[1] != 13 || off[2] != 13 || off[3] != 13 {
		t.Fatalf("after a restart, committed %v, want 13 on each partition", off)
	}
}

// TestKafkaDNSGroupSplitsPartitions: two scorers in one consumer group
// split a topic's 4 partitions. The first consumes a first half of the
// records alone; when the second joins, the first commits what it scored
// before its partitions are revoked, so the second does not score it
// again. Together they score every record exactly once: their scored
// counts add up to the records, and every name over the threshold is one
// alert from one of them.
func TestKafkaDNSGroupSplitsPartitions(t *testing.T) {
	db := registrytest.Open(t)
	pub := publishModel(t, db, "dga", 3)
	promote(t, db, "production", pub)
	c := kafkaCluster(t, "dns")
	prod := kafkaProducer(t, c)
	names := kafkaNames(3, 400)
	want := overThreshold(t, db, pub, names)
	values := make([]string, len(names))
	for i, n := range names {
		values[i] = dnsJSON(i, fmt.Sprintf("10.3.%d.%d", i/250, i%250), n)
	}

	dir := t.TempDir()
	start := func(alerts string) (*Server, func()) {
		cfg := Config{Alias: "production", KafkaDNS: kafkaInput(c, "dns", "scorers"), Alerts: filepath.Join(dir, alerts),
			Heartbeat: 100 * time.Millisecond, Pipeline: PipelineOptions{Clients: ClientWindowOptions{Off: true}}}
		return runServer(t, db, cfg)
	}
	partitions := func(s *Server) int {
		k := s.kafkaConsumer(SourceKafkaDNS)
		if k == nil {
			return 0
		}
		return len(k.Assigned()["dns"])
	}
	a, stopA := start("a.jsonl")
	waitFor(t, "the first scorer holds the 4 partitions", func() bool { return partitions(a) == 4 })
	produce(t, prod, "dns", values[:200])
	ca := a.pipeline.Counters(SourceKafkaDNS)
	waitFor(t, "the first scorer scored the first 200", func() bool { return ca.Scored.Load() == 200 })

	b, stopB := start("b.jsonl")
	waitFor(t, "two scorers with 2 partitions each", func() bool { return partitions(a) == 2 && partitions(b) == 2 })
	pa, pb := a.kafkaConsumer(SourceKafkaDNS).Assigned()["dns"], b.kafkaConsumer(SourceKafkaDNS).Assigned()["dns"]
	if slices.ContainsFunc(pa, func(p int32) bool { return slices.Contains(pb, p) }) {
		t.Fatalf("both scorers hold a partition: %v and %v", pa, pb)
	}
	produce(t, prod, "dns", values[200:])
	cb := b.pipeline.Counters(SourceKafkaDNS)
	waitFor(t, "every record scored", func() bool { return ca.Scored.Load()+cb.Scored.Load() >= 400 })
	time.Sleep(300 * time.Millisecond) // a record scored twice would show now
	stopA()
	stopB()
	if ca.Scored.Load()+cb.Scored.Load() != 400 || ca.Read.Load()+cb.Read.Load() != 400 || cb.Scored.Load() < 100 {
		t.Fatalf("scored %d + %d, read %d + %d: want 400 in all, each record once, at least the second half's 100 of the second scorer's 2 partitions",
			ca.Scored.Load(), cb.Scored.Load(), ca.Read.Load(), cb.Read.Load())
	}
	got := map[string]int{}
	nameAlerts(t, filepath.Join(dir, "a.jsonl"), SourceKafkaDNS, got)
	nameAlerts(t, filepath.Join(dir, "b.jsonl"), SourceKafkaDNS, got)
	for n := range want {
		if got[n] != 1 {
			t.Errorf("%s: %d alerts, want 1", n, got[n])
		}
	}
	if len(got) != len(want) {
		t.Errorf("alerts for %d names, want %d", len(got), len(want))
	}
	if off := committed(t, c, "scorers", "dns"); off[0]+off[1]+off[2]+off[3] != 400 {
		t.Fatalf("committed %v, want the 100 records of each partition", off)
	}
}

// TestKafkaConnReachesTheFlowPath: Zeek conn.log records in JSON from a
// topic (bare and wrapped as {"conn": {...}}) go through the flow
// analyzer's checks as --zeek-conn's do: a blacklisted destination and
// an unusual port are flow alerts from kafka-conn; a bad record is
// counted and logged with its partition and offset.
func TestKafkaConnReachesTheFlowPath(t *testing.T) {
	db := registrytest.Open(t)
	c := kafkaCluster(t, "zeek-conn")
	prod := kafkaProducer(t, c)
	tmp := t.TempDir()
	bl := filepath.Join(tmp, "blacklist.txt")
	if err := os.WriteFile(bl, []byte("198.51.100.0/24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	list, err := LoadIPBlacklist(bl)
	if err != nil {
		t.Fatal(err)
	}
	conn := func(i int, orig, resp string, port int) string {
		return fmt.Sprintf(`{"ts":%d.%06d,"uid":"C%d","id.orig_h":%q,"id.orig_p":%d,"id.resp_h":%q,"id.resp_p":%d,"proto":"tcp","service":"ssl","duration":0.5,"orig_bytes":100,"resp_bytes":200,"conn_state":"SF"}`,
			1700000000+i%10, i, i, orig, 50000+i, resp, port)
	}
	var values []string
	for i := range 20 {
		v := conn(i, fmt.Sprintf("10.0.0.%d", 1+i%5), "192.0.2.1", 443)
		if i%2 == 0 {
			v = `{"conn":` + v + `}`
		}
		values = append(values, v)
	}
	values = append(values, conn(20, "10.0.0.9", "198.51.100.7", 443), conn(21, "10.0.0.8", "192.0.2.80", 81),
		`{"ts":"soon","uid":"Cbad","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"192.0.2.1","id.resp_p":443,"proto":"tcp"}`)
	produce(t, prod, "zeek-conn", values)

	alerts := filepath.Join(tmp, "alerts.jsonl")
	logs := &syncBuffer{}
	srv, err := NewServer(db, Config{Alias: "production", KafkaConn: kafkaInput(c, "zeek-conn", ""), Alerts: alerts,
		Flow: FlowCheckConfig{Blacklist: list}, Heartbeat: 100 * time.Millisecond}, slog.New(slog.NewTextHandler(logs, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	stop := run(t, srv)
	waitFor(t, "23 records read", func() bool { return srv.kafkaFlows.counters.Read.Load() == 23 })
	stop() // the open windows are closed and checked
	cc := srv.kafkaFlows.counters
	if cc.Parsed.Load() != 22 || cc.Bad.Load() != 1 || srv.Counters().KafkaConn.Read != 23 {
		t.Fatalf("counters %+v", cc.Counts())
	}
	if !strings.Contains(logs.String(), "topic zeek-conn partition 2 offset 5: field ts") {
		t.Errorf("the bad record is not logged with its partition and offset:\n%s", logs.String())
	}
	raw, err := os.ReadFile(alerts)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var a struct {
			Kind, Source, Model string
			ClientIP            string `json:"client_ip"`
			Detail              struct {
				Checks []string `json:"checks"`
			} `json:"detail"`
		}
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("alert line %q: %v", line, err)
		}
		if a.Kind != registry.AlertFlow || a.Source != SourceKafkaConn || a.Model != FlowRulesModel {
			t.Fatalf("alert %s", line)
		}
		checks[a.ClientIP] = strings.Join(a.Detail.Checks, ",")
	}
	if !strings.Contains(checks["10.0.0.9"], CheckBlacklist) || !strings.Contains(checks["10.0.0.8"], CheckUnusualPort) {
		t.Fatalf("findings by source %v, want blacklist for 10.0.0.9 and unusual_port for 10.0.0.8", checks)
	}
	if off := committed(t, c, DefaultKafkaGroup("production", SourceKafkaConn), "zeek-conn"); off[0]+off[1]+off[2]+off[3] != 23 {
		t.Fatalf("committed %v, want all 23 records", off)
	}
}
