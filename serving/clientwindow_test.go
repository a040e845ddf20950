package serving

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// clientLine is one dns.log record of the client window tests.
type clientLine struct {
	at           time.Time
	client, name string
	rcode        string
}

// writeClientLog writes records, sorted by time, as a Zeek dns.log (TSV)
// with an rcode_name column.
func writeClientLog(t *testing.T, path string, lines []clientLine) {
	t.Helper()
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].at.Before(lines[j].at) })
	var b strings.Builder
	b.WriteString("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n")
	b.WriteString("#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype_name\trcode_name\n")
	b.WriteString("#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tstring\tstring\n")
	for i, l := range lines {
		fmt.Fprintf(&b, "%d.%06d\tC%d\t%s\t53000\t10.0.0.1\t53\tudp\t%s\tA\t%s\n", l.at.Unix(), l.at.Nanosecond()/1000, i, l.client, l.name, l.rcode)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// clientAlertLine is an alerts file line as a SOC reads it.
type clientAlertLine struct {
	Kind          string    `json:"kind"`
	Time          time.Time `json:"time"`
	Source        string    `json:"source"`
	ClientIP      string    `json:"client_ip"`
	Input         string    `json:"input"`
	Score         float64   `json:"score"`
	Model         string    `json:"model"`
	Version       int       `json:"version"`
	WindowStart   *string   `json:"window_start"`
	WindowSeconds int       `json:"window_seconds"`
	Names         []string  `json:"names"`
	NXDomainShare *float64  `json:"nxdomain_share"`
	MedianScore   *float64  `json:"median_score"`
}

// TestServerRaisesOneClientAlertPerClientWindow replays a Zeek dns.log
// from 2024 (event time, not wall clock) through a real scorer and
// registry. An infected client looks up three DGA domains, mostly
// NXDOMAIN, within five minutes: one client alert with its window, names,
// NXDOMAIN share and median score, in the alerts file and in PostgreSQL.
// Its repeat of a domain is deduplicated; in the next window the same
// domains alert again, but two are not a client verdict. A benign client
// looking up one high-scoring name 1,000 times raises one name alert
// (999 deduplicated) and no client alert. A client whose three domains
// straddle a window boundary raises none.
func TestServerRaisesOneClientAlertPerClientWindow(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	pub := publishModel(t, db, "dga", 3)
	if _, err := db.SetAlias(ctx, registry.MoveAlias{Alias: "production", ModelID: pub.ID, Action: mlctl.ActionPromote, By: "t"}); err != nil {
		t.Fatal(err)
	}
	m, err := Load(ctx, db, pub)
	if err != nil {
		t.Fatal(err)
	}
	dga := []string{"xkqwjzprtmvbnd.net", "qzxvkjwplrtmsn.info", "kjhwqpzlrtvbnmxq.com", "ltkfsdpqmhvgbejc.com"}
	hot := dga[3] // the benign client's one name that scores high
	benign := []string{"www.google.com", "mail.example.org"}
	offline := map[string]float64{}
	all := slices.Concat(dga, benign)
	scores := make([]float64, len(all))
	m.Scorer.Score(all, scores)
	for i, n := range all {
		offline[n] = scores[i]
	}
	for _, n := range dga {
		if offline[n] < m.Threshold {
			t.Fatalf("fixture: %s scores %.4f, below the threshold %v; pick another", n, offline[n], m.Threshold)
		}
	}
	for _, n := range benign {
		if offline[n] >= m.Threshold {
			t.Fatalf("fixture: %s scores %.4f, at or over the threshold %v; pick another", n, offline[n], m.Threshold)
		}
	}

	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	const infected, steady, straddler = "10.0.0.66", "10.0.0.5", "10.0.0.77"
	lines := []clientLine{
		{at(10), infected, benign[0], "NOERROR"},
		{at(20), infected, dga[0], "NXDOMAIN"},
		{at(30), infected, dga[1], "NXDOMAIN"},
		{at(40), infected, dga[0], "NXDOMAIN"},  // a repeat: deduplicated
		{at(290), infected, dga[2], "NXDOMAIN"}, // the third domain: the client alert
		{at(310), infected, dga[0], "NXDOMAIN"}, // the next window: alerts again
		{at(320), infected, dga[1], "NOERROR"},
		{at(295), straddler, dga[0], "NXDOMAIN"},
		{at(298), straddler, dga[1], "NXDOMAIN"},
		{at(302), straddler, dga[2], "NXDOMAIN"},
	}
	for i := range 1000 {
		lines = append(lines, clientLine{at(float64(i) * 0.25), steady, hot, "NOERROR"})
	}
	lines = append(lines, clientLine{at(200), steady, benign[1], "NOERROR"})

	dir := t.TempDir()
	dnsLog, alertsPath := filepath.Join(dir, "dns.log"), filepath.Join(dir, "alerts.jsonl")
	writeClientLog(t, dnsLog, lines)
	srv, stop := runServer(t, db, Config{Alias: "production", ZeekDNS: dnsLog, Alerts: alertsPath, Heartbeat: 100 * time.Millisecond})
	c := srv.pipeline.Counters("zeek-dns")
	deadline := time.Now().Add(20 * time.Second)
	for srv.Holder().Get() == nil || c.Scored.Load()+c.Dropped.Load() < uint64(len(lines)) {
		if time.Now().After(deadline) {
			t.Fatalf("scored %d lines of %d", c.Scored.Load(), len(lines))
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop() // scores what is queued and flushes the alerts
	if c.Scored.Load() != uint64(len(lines)) || c.Dropped.Load() != 0 {
		t.Fatalf("scored %d dropped %d of %d", c.Scored.Load(), c.Dropped.Load(), len(lines))
	}

	raw, err := os.ReadFile(alertsPath)
	if err != nil {
		t.Fatal(err)
	}
	var clients []clientAlertLine
	names := map[string]int{} // client + " " + name → name alerts
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		var a clientAlertLine
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("alert line %s: %v", sc.Bytes(), err)
		}
		switch a.Kind {
		case registry.AlertClient:
			clients = append(clients, a)
		case registry.AlertName:
			if a.WindowStart != nil || a.Names != nil || a.NXDomainShare != nil || a.MedianScore != nil {
				t.Errorf("a name alert with client fields: %s", sc.Bytes())
			}
			names[a.ClientIP+" "+a.Input]++
		default:
			t.Errorf("alert of kind %q: %s", a.Kind, sc.Bytes())
		}
	}
	wantNames := map[string]int{
		infected + " " + dga[0]: 2, infected + " " + dga[1]: 2, infected + " " + dga[2]: 1,
		steady + " " + hot:       1,
		straddler + " " + dga[0]: 1, straddler + " " + dga[1]: 1, straddler + " " + dga[2]: 1,
	}
	if !mapsEqual(names, wantNames) {
		t.Errorf("name alerts %v, want %v", names, wantNames)
	}
	if len(clients) != 1 {
		t.Fatalf("%d client alerts, want 1 (the infected client's first window): %+v", len(clients), clients)
	}
	ca := clients[0]
	med := median([]float64{offline[dga[0]], offline[dga[1]], offline[dga[2]]})
	if ca.ClientIP != infected || ca.Source != SourceZeekDNS || ca.Input != infected+"@2024-03-01T10:00:00Z" ||
		ca.WindowStart == nil || *ca.WindowStart != "2024-03-01T10:00:00Z" || ca.WindowSeconds != 300 ||
		!slices.Equal(ca.Names, dga[:3]) || ca.NXDomainShare == nil || *ca.NXDomainShare != 0.8 ||
		ca.MedianScore == nil || *ca.MedianScore != med || ca.Score != med || !ca.Time.Equal(at(290)) ||
		ca.Model != "dga" || ca.Version != pub.Version {
		t.Errorf("client alert %+v (window_start %v, nxdomain_share %v, median_score %v; want median %v)", ca, deref(ca.WindowStart), deref(ca.NXDomainShare), deref(ca.MedianScore), med)
	}

	// PostgreSQL holds the same.
	stored, err := db.Alerts(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var storedClients []registry.Alert
	for _, a := range stored {
		if a.Kind == registry.AlertClient {
			storedClients = append(storedClients, a)
		}
	}
	if len(stored) != 10 || len(storedClients) != 1 {
		t.Fatalf("%d alerts stored (%d client), want 10 (1)", len(stored), len(storedClients))
	}
	sa := storedClients[0]
	if sa.ClientIP != infected || sa.WindowStart == nil || !sa.WindowStart.Equal(t0) || sa.WindowSeconds != 300 ||
		!slices.Equal(sa.Names, dga[:3]) || sa.NXDomainShare == nil || *sa.NXDomainShare != 0.8 ||
		sa.MedianScore == nil || *sa.MedianScore != med || sa.ModelID != pub.ID || sa.Input != ca.Input {
		t.Errorf("stored client alert %+v", sa)
	}

	// /metrics and the heartbeat's counters.
	metrics := scrape(t, srv.gatherer)
	for _, want := range []string{
		`mlctl_alerts_total{kind="name"} 9`, `mlctl_alerts_total{kind="client"} 1`, `mlctl_alerts_total{kind="flow"} 0`,
		"mlctl_alerts_deduplicated_total 1000", "mlctl_client_evictions_total 0", "mlctl_client_late_queries_total 0",
	} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if !strings.Contains(metrics, "mlctl_client_windows_open ") {
		t.Errorf("/metrics lacks mlctl_client_windows_open")
	}
	cs := srv.Counters()
	if cs.ClientAlerts != 1 || cs.AlertsDeduplicated == nil || *cs.AlertsDeduplicated != 1000 {
		t.Errorf("heartbeat counters client_alerts %v alerts_deduplicated %v", cs.ClientAlerts, deref(cs.AlertsDeduplicated))
	}
}

// deref is *p, or nil.
func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// windowsCase feeds one query at a time to client windows and keeps what
// they raise.
type windowsCase struct {
	t       *testing.T
	c       *ClientWindows
	m       *Model
	clients []registry.Alert
}

func newWindowsCase(t *testing.T, o ClientWindowOptions) *windowsCase {
	return &windowsCase{t: t, c: NewClientWindows(o), m: &Model{ID: 1, Name: "dga", Version: 1, SHA256: "abc", Threshold: 0.5}}
}

// batch observes names from one client, all at time at with rcode, each
// scoring score; it returns which raised a name alert.
func (w *windowsCase) batch(client string, at time.Time, rcode string, score float64, names ...string) []bool {
	w.t.Helper()
	from := make([]Query, len(names))
	scores := make([]float64, len(names))
	for i, n := range names {
		from[i] = Query{Source: SourceDnstap, Time: at, ClientIP: client, Name: n, RCode: rcode}
		scores[i] = score
	}
	raise, clients := w.c.Observe(w.m, names, from, scores)
	w.clients = append(w.clients, clients...)
	return raise
}

func (w *windowsCase) wantClients(what string, want ...string) {
	w.t.Helper()
	var got []string
	for _, a := range w.clients {
		got = append(got, fmt.Sprintf("%s %s", a.Input, strings.Join(a.Names, ",")))
	}
	if !slices.Equal(got, want) {
		w.t.Fatalf("%s: client alerts %q, want %q", what, got, want)
	}
	w.clients = nil
}

// TestClientWindowsBoundariesAndDeduplication: windows are aligned to the
// epoch and tumble per client; a name alert is raised once per (client,
// registrable domain, window); k domains make one client alert per window,
// not k names under one domain; a query from an earlier window counts in
// its client's current one; a query without a client deduplicates but
// makes no client verdict; idle clients are forgotten two windows on.
func TestClientWindowsBoundariesAndDeduplication(t *testing.T) {
	w := newWindowsCase(t, ClientWindowOptions{})
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }

	// Two domains at the end of a window and one at the start of the next:
	// no verdict; two more in the next window make its verdict.
	if r := w.batch("10.0.0.1", at(4*time.Minute+50*time.Second), "NXDOMAIN", 0.9, "aaaa.com", "bbbb.net"); !slices.Equal(r, []bool{true, true}) {
		t.Fatalf("raised %v", r)
	}
	w.batch("10.0.0.1", at(5*time.Minute+5*time.Second), "NXDOMAIN", 0.9, "cccc.org")
	w.wantClients("three domains across a boundary")
	// The same domains in the new window alert again; a repeat does not.
	if r := w.batch("10.0.0.1", at(6*time.Minute), "NOERROR", 0.8, "aaaa.com", "x.bbbb.net", "bbbb.net", "cccc.org"); !slices.Equal(r, []bool{true, true, false, false}) {
		t.Fatalf("second window raised %v, want aaaa.com and x.bbbb.net", r)
	}
	w.wantClients("three domains in the second window", "10.0.0.1@2024-03-01T10:05:00Z cccc.org,aaaa.com,x.bbbb.net")
	// More domains in that window: name alerts, no second client alert.
	if r := w.batch("10.0.0.1", at(7*time.Minute), "NXDOMAIN", 0.7, "dddd.com"); !r[0] {
		t.Fatal("a fourth domain raised no name alert")
	}
	if r := w.batch("10.0.0.1", at(7*time.Minute), "NXDOMAIN", 0.1, "below.com"); r[0] {
		t.Fatal("a name below the threshold raised a name alert")
	}
	w.wantClients("a fourth domain")

	// Many names under one registrable domain are one domain: no verdict.
	w.batch("10.0.0.2", at(time.Minute), "NOERROR", 0.95, "a1b2c3.cdn.example.co.uk", "z9y8x7.cdn.example.co.uk", "q5w4e3.example.co.uk")
	w.wantClients("one registrable domain")

	// Out of order: 10.0.0.3 is in 10:05; a query from 10:04:59 counts there.
	w.batch("10.0.0.3", at(5*time.Minute+10*time.Second), "NXDOMAIN", 0.9, "eeee.com", "ffff.com")
	w.batch("10.0.0.3", at(4*time.Minute+59*time.Second), "NOERROR", 0.9, "gggg.com")
	if w.c.Late() != 1 {
		t.Fatalf("late %d, want 1", w.c.Late())
	}
	w.wantClients("a late query", "10.0.0.3@2024-03-01T10:05:00Z eeee.com,ffff.com,gggg.com")

	// No client IP: repeats are deduplicated, no client verdict.
	if r := w.batch("", at(6*time.Minute), "", 0.9, "h1.com", "h1.com", "h2.com", "h3.com"); !slices.Equal(r, []bool{true, false, true, true}) {
		t.Fatalf("no client: raised %v", r)
	}
	w.wantClients("no client IP")

	// The verdict's fields: window, share of answered queries, median.
	w.batch("10.0.0.4", at(11*time.Minute), "NOERROR", 0.1, "www.google.com")
	w.batch("10.0.0.4", at(11*time.Minute), "", 0.6, "iiii.com")
	w.batch("10.0.0.4", at(11*time.Minute), "NXDOMAIN", 0.9, "jjjj.com", "kkkk.com")
	if len(w.clients) != 1 {
		t.Fatalf("client alerts %+v", w.clients)
	}
	ca := w.clients[0]
	if ca.Kind != registry.AlertClient || ca.ClientIP != "10.0.0.4" || !ca.WindowStart.Equal(at(10*time.Minute)) || ca.WindowSeconds != 300 ||
		*ca.NXDomainShare != 2.0/3 || *ca.MedianScore != 0.9 || ca.Score != 0.9 || ca.Threshold != 0.5 || ca.Model != "dga" || ca.SHA256 != "abc" ||
		!ca.SeenAt.Equal(at(11*time.Minute)) || string(ca.Detail) != `{"answered":3,"domains":3,"nxdomain":2,"over_threshold":3}` {
		t.Fatalf("client alert %+v detail %s", ca, ca.Detail)
	}
	w.clients = nil
	// Without rcodes the share is absent.
	w.batch("10.0.0.5", at(11*time.Minute), "", 0.9, "llll.com", "mmmm.com", "nnnn.com")
	if len(w.clients) != 1 || w.clients[0].NXDomainShare != nil {
		t.Fatalf("client alert without rcodes %+v", w.clients)
	}
	// 10:10 is the newest window: clients last seen in 10:00 are forgotten
	// (10:05's stay, for late queries).
	if got := w.c.Open(); got != 5 {
		t.Fatalf("%d client windows open, want 5 (10.0.0.1, 10.0.0.3 and \"\" of 10:05, 10.0.0.4 and 10.0.0.5 of 10:10)", got)
	}
	w.batch("10.0.0.6", at(16*time.Minute), "", 0.1, "www.google.com")
	if got := w.c.Open(); got != 3 {
		t.Fatalf("%d client windows open in 10:15, want 3 (10.0.0.4, 10.0.0.5, 10.0.0.6)", got)
	}
}

// TestClientWindowsEvictTheLeastRecentlySeen: with --client-max clients
// tracked, a new one evicts the least recently seen (counted); a verdict
// due in the same batch is still raised; an evicted client starts afresh.
func TestClientWindowsEvictTheLeastRecentlySeen(t *testing.T) {
	w := newWindowsCase(t, ClientWindowOptions{MaxClients: 2})
	at := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	w.batch("10.0.0.1", at, "", 0.9, "aaaa.com")
	w.batch("10.0.0.2", at, "", 0.9, "bbbb.com")
	w.batch("10.0.0.1", at, "", 0.1, "www.google.com") // 10.0.0.2 is now the least recent
	w.batch("10.0.0.3", at, "", 0.9, "cccc.com")
	if w.c.Evicted() != 1 || w.c.Open() != 2 {
		t.Fatalf("evicted %d open %d, want 1 and 2", w.c.Evicted(), w.c.Open())
	}
	if r := w.batch("10.0.0.1", at, "", 0.9, "aaaa.com"); r[0] {
		t.Fatal("10.0.0.1 was evicted; want it kept")
	}
	if r := w.batch("10.0.0.2", at, "", 0.9, "bbbb.com"); !r[0] {
		t.Fatal("10.0.0.2 was kept; want it evicted and its domain alerted afresh")
	}

	// One client window at most: a verdict due when the next client evicts
	// it in the same batch is raised all the same.
	w = newWindowsCase(t, ClientWindowOptions{MaxClients: 1})
	names := []string{"aaaa.com", "bbbb.com", "cccc.com", "dddd.com"}
	from := []Query{{ClientIP: "10.0.0.1", Time: at}, {ClientIP: "10.0.0.1", Time: at}, {ClientIP: "10.0.0.1", Time: at}, {ClientIP: "10.0.0.2", Time: at}}
	_, clients := w.c.Observe(w.m, names, from, []float64{0.9, 0.9, 0.9, 0.9})
	if len(clients) != 1 || clients[0].ClientIP != "10.0.0.1" || len(clients[0].Names) != 3 || w.c.Evicted() != 1 {
		t.Fatalf("client alerts %+v, evicted %d", clients, w.c.Evicted())
	}
}

// TestClientWindowsCapsNames: a client window keeps MaxClientNames
// domains; further ones are deduplicated, and the verdict lists 20 names.
func TestClientWindowsCapsNames(t *testing.T) {
	w := newWindowsCase(t, ClientWindowOptions{MinNames: MaxClientNames})
	at := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	var names []string
	for i := range MaxClientNames + 5 {
		names = append(names, fmt.Sprintf("d%03d.com", i))
	}
	raise := w.batch("10.0.0.1", at, "", 0.9, names...)
	n := 0
	for _, r := range raise {
		if r {
			n++
		}
	}
	if n != MaxClientNames || w.c.Deduplicated() != 5 || len(w.clients) != 1 || len(w.clients[0].Names) != ClientAlertNames ||
		w.clients[0].Names[0] != "d000.com" || string(w.clients[0].Detail) != fmt.Sprintf(`{"answered":0,"domains":%d,"nxdomain":0,"over_threshold":%[1]d}`, MaxClientNames) {
		t.Fatalf("raised %d, deduplicated %d, client alerts %+v", n, w.c.Deduplicated(), w.clients)
	}
}

// TestClientWindowOptionsValidate: the flags' ranges.
func TestClientWindowOptionsValidate(t *testing.T) {
	for _, o := range []ClientWindowOptions{{}, {Off: true, Window: -1}, {Window: time.Minute, MinNames: 1, MaxClients: 1}, {MinNames: MaxClientNames}} {
		if err := o.Validate(); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
	for _, o := range []ClientWindowOptions{{Window: 1500 * time.Millisecond}, {Window: -time.Minute}, {MinNames: MaxClientNames + 1}, {MinNames: -1}, {MaxClients: -1}} {
		if err := o.Validate(); mlctl.ErrorCode(err) != mlctl.EINVALID {
			t.Errorf("%+v: %v, want %s", o, err, mlctl.EINVALID)
		}
	}
}

// TestPipelineWithoutClientWindows: with client windows off every name
// over the threshold alerts, repeats included.
func TestPipelineWithoutClientWindows(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	m, err := Load(ctx, db, publishModel(t, db, "dga", 3))
	if err != nil {
		t.Fatal(err)
	}
	h := &Holder{}
	h.Swap(m)
	sink, err := NewAlertSink(db, "scorer-1", "", quiet)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPipeline(h, sink, quiet, []string{"dnstap"}, PipelineOptions{MaxWait: time.Millisecond, Clients: ClientWindowOptions{Off: true}})
	name, _ := datasets.NormaliseDomain("xkqwjzprtmvbnd.net")
	for range 5 {
		p.Offer(Query{Source: "dnstap", Time: time.Unix(1700000000, 0), ClientIP: "10.0.0.9", Name: name})
	}
	p.Close()
	p.Run(ctx)
	sink.Close()
	if sink.Raised() != 5 || sink.RaisedKind(registry.AlertName) != 5 || p.ClientWindows() != nil {
		t.Fatalf("raised %d (%d name alerts), want 5", sink.Raised(), sink.RaisedKind(registry.AlertName))
	}
}

// BenchmarkClientWindowsObserve is the client windows' share of scoring a
// micro-batch: 4,096 queries from 10,000 clients, 1% over the threshold,
// ten minutes of event time over and over.
func BenchmarkClientWindowsObserve(b *testing.B) {
	c := NewClientWindows(ClientWindowOptions{})
	m := &Model{Name: "dga", Version: 1, Threshold: 0.5}
	const n, batches = 4096, 64
	type batch struct {
		inputs []string
		from   []Query
		scores []float64
	}
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	var bs []batch
	for k := range batches {
		bt := batch{make([]string, n), make([]Query, n), make([]float64, n)}
		for i := range n {
			j := k*n + i
			bt.inputs[i] = fmt.Sprintf("host%d.example%d.com", j%5000, j%300)
			bt.from[i] = Query{Time: t0.Add(time.Duration(j) * 2 * time.Millisecond), ClientIP: fmt.Sprintf("10.0.%d.%d", j%10000/250, j%250), RCode: "NOERROR"}
			bt.scores[i] = 0.1
			if j%100 == 0 {
				bt.scores[i] = 0.9
			}
		}
		bs = append(bs, bt)
	}
	k := 0
	for b.Loop() {
		bt := bs[k%batches]
		k++
		c.Observe(m, bt.inputs, bt.from, bt.scores)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/query")
}

// TestClientWindowsNXDOMAINSuspects: with a client threshold, names under
// the name threshold but over the client threshold count toward the
// client's verdict when answered NXDOMAIN, raise no name alert, and a
// later name of such a domain over the threshold still alerts; resolving
// names under the threshold never count.
func TestClientWindowsNXDOMAINSuspects(t *testing.T) {
	w := newWindowsCase(t, ClientWindowOptions{})
	w.m.ClientThreshold = 0.2
	at := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	// Resolving names between the thresholds: nothing.
	if r := w.batch("10.0.0.2", at, "NOERROR", 0.3, "a.com", "b.com", "c.com", "d.com"); slices.Contains(r, true) {
		t.Fatalf("resolving names under the threshold raised %v", r)
	}
	w.wantClients("resolving names under the threshold")
	// NXDOMAIN names under the client threshold: nothing.
	w.batch("10.0.0.3", at, "NXDOMAIN", 0.1, "a.com", "b.com", "c.com")
	w.wantClients("NXDOMAIN names under the client threshold")
	// Two suspects and one name over the threshold make the verdict.
	if r := w.batch("10.0.0.1", at, "NXDOMAIN", 0.3, "x1.com", "x2.com"); slices.Contains(r, true) {
		t.Fatalf("suspects raised name alerts %v", r)
	}
	w.wantClients("two suspects")
	if r := w.batch("10.0.0.1", at, "NXDOMAIN", 0.9, "www.x1.com"); !r[0] {
		t.Fatal("the first name over the threshold of a suspect domain raised no name alert")
	}
	w.wantClients("a suspect domain's name over the threshold") // still two domains
	w.batch("10.0.0.1", at, "NXDOMAIN", 0.25, "x3.com")
	if len(w.clients) != 1 || string(w.clients[0].Detail) != `{"answered":4,"client_threshold":0.2,"domains":3,"nxdomain":4,"nxdomain_suspects":2,"over_threshold":1}` {
		t.Fatalf("client alerts %+v", w.clients)
	}
	if got := w.clients[0].Names; !slices.Equal(got, []string{"x1.com", "x2.com", "x3.com"}) {
		t.Fatalf("names %v", got)
	}
}

// TestClientWindowsSourcesKeepTheirOwnClocks: a live source's queries (now)
// do not make a replayed log's clients (years ago) idle: the replay's
// client keeps its window and raises one client alert for it.
func TestClientWindowsSourcesKeepTheirOwnClocks(t *testing.T) {
	w := newWindowsCase(t, ClientWindowOptions{})
	old := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	obs := func(source string, at time.Time, names ...string) {
		from := make([]Query, len(names))
		scores := make([]float64, len(names))
		client := "10.0.0.66"
		if source == SourceDnstap {
			client = "127.0.0.1"
		}
		for i, n := range names {
			from[i] = Query{Source: source, Time: at, ClientIP: client, Name: n, RCode: "NXDOMAIN"}
			scores[i] = 0.9
		}
		_, clients := w.c.Observe(w.m, names, from, scores)
		w.clients = append(w.clients, clients...)
	}
	obs(SourceZeekDNS, old, "a1.com", "a2.com", "a3.com")
	obs(SourceDnstap, time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC), "live.com")
	obs(SourceZeekDNS, old.Add(10*time.Second), "a4.com", "a5.com", "a6.com")
	n := 0
	for _, a := range w.clients {
		if a.Source == SourceZeekDNS {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d client alerts for the replayed window, want 1: %+v", n, w.clients)
	}
}
