package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/serving/servingtest"
)

// TestServeScoresZeekDNSAndDnstapFromUnbound runs one `mlctl serve` on the
// alias's model with both streaming sources at once: a Zeek dns.log that
// appears after the scorer starts, grows (with a line written in two
// parts), holds bad lines, and is rotated (rename and create, with a last
// line written to the renamed file), and dnstap from a real unbound that
// answers dig. Every DGA name raises exactly one alert, with the model's
// identity and an explanation, in the alerts file and in the registry;
// benign names and bad lines raise none; the counters add up in
// /metrics and `mlctl serve status`; SIGTERM exits cleanly.
func TestServeScoresZeekDNSAndDnstapFromUnbound(t *testing.T) {
	servingtest.RequireTools(t)
	began := time.Now()
	s := newStack(t)
	s.startWorker()
	shas := s.trainModels("dga", 1)
	s.run("promote", "dga@1", "--wait")
	var model struct {
		Manifest struct {
			Threshold    float64  `json:"threshold"`
			FeatureNames []string `json:"feature_names"`
		} `json:"manifest"`
	}
	mustJSON(t, s.run("models", "show", "dga@1", "--json"), &model)
	th := model.Manifest.Threshold
	t.Logf("dga@1 trained and promoted in %.1fs; threshold %.4f", time.Since(began).Seconds(), th)

	// The names fed, DGA ones in the style of the generator's families
	// (conficker, ramnit, murofet, newgoz). The fixture is checked offline
	// with the same model first, so a model that changed shows up as such.
	var (
		zeekDGA    = []string{"xkqwjzprtmvbnd.net", "kjhwqpzlrtvbnmxq.com", "ltkfsdpqmhvgbejc.com", "3k9x2m7q1z8v4b6n0c5w.com"}
		grownDGA   = "mfkqbzxtyrwplv.ws"   // appended while serve runs
		partialDGA = "rvdfmgtpoqlnisb.net" // written in two parts
		renamedDGA = "qzxvbnmkjhgf.com"    // appended to dns.log.1 after the rename
		rotatedDGA = []string{"hgfkwqplvtxz.org", "bvqxkzjwmptr.cc"}
		lateDGA    = "pzvqwxkjrtmb.ru"     // appended to the new dns.log
		badTSDGA   = "zqkvxjwpmrtl.biz"    // on a line with a bad ts
		badColsDGA = "ghfpkewqsvxbnzr.org" // on a line with a field missing
		digDGA     = []string{"xjwqkzpvbn.com", "qpzmtrhvkd.net", "kq3vxj9wzt2m.info", "wpxkqzvbrt.info"}
		zeekBenign = []string{"www.google.com", "mail.example.org", "cdn-images.bluebank.com", "api.cloudatlas.io", "shop.bestcoffee.com", "portal.citybank.com", "docs.codecraft.de"}
		digBenign  = []string{"www.applebox.com", "static.dailynews.co.uk", "img.amberarrow.com", "warmup.example"}
	)
	dga := slices.Concat(zeekDGA, []string{grownDGA, partialDGA, renamedDGA, lateDGA, badTSDGA, badColsDGA}, rotatedDGA, digDGA)
	benign := slices.Concat(zeekBenign, digBenign)
	offline := s.srcOfflineScores("dga@1", slices.Concat(dga, benign))
	for _, n := range dga {
		if offline[n] < th {
			t.Fatalf("fixture: DGA name %s scores %.4f offline, below the threshold %.4f; pick another", n, offline[n], th)
		}
	}
	for _, n := range benign {
		if offline[n] > th-0.25 {
			t.Fatalf("fixture: benign name %s scores %.4f offline, not well below the threshold %.4f; pick another", n, offline[n], th)
		}
	}

	// One scorer with both sources; dns.log does not exist yet.
	dir, err := os.MkdirTemp("", "mlctl-src-") // short: a unix socket path has at most 107 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	dnsLog, sock, alertsPath := filepath.Join(dir, "dns.log"), filepath.Join(dir, "dnstap.sock"), filepath.Join(dir, "alerts.jsonl")
	sc := s.startScorer(freeAddr(t), "--alias", "production", "--zeek-dns", dnsLog, "--dnstap", "unix:"+sock, "--alerts", alertsPath)
	sc.waitVersion(1, 10*time.Second)
	servingStarted := time.Now()

	// A real unbound sends dnstap to the scorer's socket.
	ubDir := filepath.Join(dir, "unbound")
	if err := os.Mkdir(ubDir, 0o755); err != nil {
		t.Fatal(err)
	}
	ub := servingtest.StartUnbound(t, ubDir, sock)
	// unbound connects to the socket in the background: should its first
	// queries have gone before, dig again every 2 s.
	warm, lastDig := time.Now(), time.Now()
	srcPoll(t, 10*time.Second, "unbound's dnstap reaches the scorer", func() (bool, string) {
		if sc.srcMetric(`mlctl_source_parsed_total{source="dnstap"}`) > 0 {
			return true, ""
		}
		if time.Since(lastDig) < 2*time.Second {
			return false, ""
		}
		lastDig = time.Now()
		return false, "dig warmup.example: " + ub.Dig(t, "warmup.example")
	})
	t.Logf("unbound on port %d: its dnstap reached the scorer %.1fs after it answered", ub.Port, time.Since(warm).Seconds())

	// The dns.log appears, with two bad lines and a record without a query.
	zl := &srcZeekLog{t: t, path: dnsLog}
	zl.create()
	ts := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	type record struct {
		name, client string
		at           time.Time
	}
	var records []record // parsed records, in file order
	add := func(name, client string) {
		ts = ts.Add(1500 * time.Millisecond)
		zl.write(srcZeekLine(srcZeekTS(ts), client, name))
		records = append(records, record{name, client, ts})
	}
	const benignClient, infected = "10.0.0.5", "10.0.0.66"
	add(zeekBenign[0], benignClient)
	add(zeekDGA[0], infected)
	add(zeekBenign[1], benignClient)
	add(zeekDGA[1], infected)
	zl.write(srcZeekLine("1709287bad", infected, badTSDGA)) // bad 1: not a time
	add(zeekDGA[2], infected)
	zl.write(strings.Replace(srcZeekLine(srcZeekTS(ts), infected, badColsDGA), "\tF\n", "\n", 1)) // bad 2: 23 fields
	zl.write(srcZeekLine(srcZeekTS(ts), benignClient, "-"))                                       // no query: skipped
	add(zeekBenign[2], benignClient)
	add(zeekDGA[3], infected)
	zl.waitRead(sc, zl.lines)

	// Dig while the log is being followed.
	digStart := time.Now()
	digs := slices.Concat(digDGA, digBenign[:3]) // and warmup.example, at least once, above
	for _, n := range digs {
		if out := ub.Dig(t, n); !strings.Contains(out, "status: NXDOMAIN") {
			t.Fatalf("dig %s:\n%s", n, out)
		}
	}

	// The log grows, and a line arrives in two writes.
	add(zeekBenign[3], benignClient)
	add(grownDGA, infected)
	complete := zl.lines
	ts = ts.Add(1500 * time.Millisecond)
	line := srcZeekLine(srcZeekTS(ts), infected, partialDGA)
	zl.writeRaw(line[:40])
	zl.waitRead(sc, complete)
	time.Sleep(700 * time.Millisecond) // a few polls: the half line must stay held
	if got := sc.srcMetric(`mlctl_source_read_total{source="zeek-dns"}`); got != float64(complete) {
		t.Fatalf("zeek-dns read %v lines with half a line pending, want %d", got, complete)
	}
	zl.writeRaw(line[40:])
	zl.lines++
	records = append(records, record{partialDGA, infected, ts})
	add(zeekBenign[4], benignClient)
	zl.waitRead(sc, zl.lines)

	// Rotation: the writer closes dns.log, it is renamed to dns.log.1 (the
	// writer still appends one record to it), and a new dns.log with its
	// own header takes its place.
	zl.write(fmt.Sprintf("#close\t%s\n", ts.Format("2006-01-02-15-04-05")))
	if err := os.Rename(dnsLog, dnsLog+".1"); err != nil {
		t.Fatal(err)
	}
	add(renamedDGA, infected)
	zl.create()
	add(zeekBenign[5], benignClient)
	for _, n := range rotatedDGA {
		add(n, infected)
	}
	zl.waitRead(sc, zl.lines)
	add(zeekBenign[6], benignClient)
	add(lateDGA, infected)
	zl.waitRead(sc, zl.lines)
	totalLines := zl.lines
	t.Logf("zeek-dns: %d lines in dns.log.1 and dns.log, read as written %.1fs after serve started", totalLines, time.Since(servingStarted).Seconds())

	// Every DGA name is alerted: from the dns.log with its record's time
	// and client, from unbound with 127.0.0.1.
	type want struct {
		client string
		at     time.Time // zero: any time since digStart
	}
	expected := map[string]want{} // source + " " + input
	for _, r := range records {
		if offline[r.name] >= th {
			expected["zeek-dns "+r.name] = want{r.client, r.at}
		}
	}
	for _, n := range digDGA {
		expected["dnstap "+n] = want{client: "127.0.0.1"}
	}
	if len(expected) != len(dga)-2 {
		t.Fatalf("fixture: %d alerts expected, want one per DGA name not on a bad line (%d)", len(expected), len(dga)-2)
	}
	var alerts []srcAlert
	srcPoll(t, 30*time.Second, "every DGA name alerted", func() (bool, string) {
		alerts = srcReadAlerts(t, alertsPath)
		seen := map[string]bool{}
		for _, a := range alerts {
			seen[a.Source+" "+a.Input] = true
		}
		var missing []string
		for k := range expected {
			if !seen[k] {
				missing = append(missing, k)
			}
		}
		return len(missing) == 0, fmt.Sprintf("missing %q; metrics %v", missing, sc.srcMetrics())
	})
	t.Logf("all %d expected alerts in the file %.1fs after serve started", len(expected), time.Since(servingStarted).Seconds())

	// /metrics while it runs.
	m := sc.srcMetrics()
	for k, v := range map[string]float64{
		`mlctl_source_bad_total{source="zeek-dns"}`:                                             2,
		`mlctl_source_read_total{source="zeek-dns"}`:                                            float64(totalLines),
		`mlctl_source_parsed_total{source="zeek-dns"}`:                                          float64(len(records)),
		`mlctl_source_scored_total{source="zeek-dns"}`:                                          float64(len(records)),
		`mlctl_source_dropped_total{source="dnstap"}`:                                           0,
		`mlctl_model_info{alias="production",model="dga",sha256="` + shas[0] + `",version="1"}`: 1, // labels sorted, as client_golang writes them
	} {
		if m[k] != v {
			t.Errorf("/metrics: %s = %v, want %v", k, m[k], v)
		}
	}
	if p := m[`mlctl_source_parsed_total{source="dnstap"}`]; p < float64(len(digs)+1) {
		t.Errorf("/metrics: dnstap parsed %v, want at least the %d digs", p, len(digs)+1)
	}

	// serve status: the live scorer's counters, as its heartbeat reports them.
	wantZeek := map[string]uint64{"read": uint64(totalLines), "parsed": uint64(len(records)), "bad": 2,
		"skipped": uint64(totalLines - len(records) - 2), "scored": uint64(len(records)), "dropped": 0}
	var st srcScorerStatus
	srcPoll(t, 10*time.Second, fmt.Sprintf("serve status shows zeek-dns %v", wantZeek), func() (bool, string) {
		st = s.srcStatus()
		return srcCountersMatch(st.Counters.ZeekDNS, wantZeek), fmt.Sprintf("status %+v", st)
	})
	if !st.Live || st.Model != "dga@1" || st.SHA256 != shas[0] || !srcCountersMatch(st.Counters.ZeekDNS, wantZeek) {
		t.Errorf("serve status (live): %+v; zeek-dns counters want %v", st, wantZeek)
	}

	// SIGTERM: a clean exit with everything flushed; then the exact checks.
	sc.stop()
	alerts = srcReadAlerts(t, alertsPath)
	got := map[string]int{}
	var clientAlerts []srcAlert
	for _, a := range alerts {
		if a.Kind == "client" {
			clientAlerts = append(clientAlerts, a)
			continue
		}
		if a.Kind != "name" {
			t.Errorf("alert of kind %q, want name or client: %+v", a.Kind, a)
		}
		key := a.Source + " " + a.Input
		got[key]++
		w, ok := expected[key]
		if !ok {
			t.Errorf("unexpected alert (offline score %.4f): %+v", offline[a.Input], a)
			continue
		}
		if a.Model != "dga" || a.Version != 1 || a.SHA256 != shas[0] || a.Threshold != th || a.ScorerID != st.ID {
			t.Errorf("alert %s: model %s@%d sha256 %s threshold %v scorer %s; want dga@1 %s %v %s", key, a.Model, a.Version, a.SHA256, a.Threshold, a.ScorerID, shas[0], th, st.ID)
		}
		if a.Score < th || math.Abs(a.Score-offline[a.Input]) > 1e-6 {
			t.Errorf("alert %s: score %v, offline %v, threshold %v", key, a.Score, offline[a.Input], th)
		}
		if a.ClientIP != w.client {
			t.Errorf("alert %s: client_ip %q, want %q", key, a.ClientIP, w.client)
		}
		if !w.at.IsZero() && !a.Time.Equal(w.at) {
			t.Errorf("alert %s: time %v, want the record's ts %v", key, a.Time, w.at)
		}
		if w.at.IsZero() && (a.Time.Before(digStart.Add(-time.Second)) || a.Time.After(time.Now())) {
			t.Errorf("alert %s: time %v, not since the digs at %v", key, a.Time, digStart)
		}
		if a.BatchMedian == nil || *a.BatchMedian < 0 || *a.BatchMedian > 1 {
			t.Errorf("alert %s: client_batch_median %v", key, a.BatchMedian)
		}
		tf := a.Detail.TopFeatures
		if len(tf) == 0 || len(tf) > 5 {
			t.Errorf("alert %s: %d top features, want 1 to 5: %+v", key, len(tf), tf)
		}
		for i, f := range tf {
			if f.Margin <= 0 || !slices.Contains(model.Manifest.FeatureNames, f.Feature) || (i > 0 && f.Margin > tf[i-1].Margin) {
				t.Errorf("alert %s: top feature %d %+v is not a model feature with a positive margin, largest first: %+v", key, i, f, tf)
			}
		}
	}
	for k := range expected {
		if got[k] != 1 {
			t.Errorf("%s: %d alerts, want exactly 1", k, got[k])
		}
	}
	for _, n := range append(benign, badTSDGA, badColsDGA) {
		for _, src := range []string{"zeek-dns", "dnstap"} {
			if got[src+" "+n] != 0 {
				t.Errorf("%s %s raised an alert (offline score %.4f, threshold %.4f)", src, n, offline[n], th)
			}
		}
	}
	// The infected client's DGA names in the dns.log, all in 10:00-10:05,
	// are one client verdict; unbound's client (127.0.0.1) may be one too,
	// unless its four digs straddle a window boundary.
	zeekClients := 0
	for _, a := range clientAlerts {
		want, from := infected, slices.Concat(zeekDGA, []string{grownDGA, partialDGA, renamedDGA, lateDGA}, rotatedDGA)
		if a.Source == "dnstap" {
			want, from = "127.0.0.1", digDGA
		} else {
			zeekClients++
			if a.WindowStart != "2024-03-01T10:00:00Z" {
				t.Errorf("client alert %+v: window_start %s, want 2024-03-01T10:00:00Z", a, a.WindowStart)
			}
		}
		if a.ClientIP != want || len(a.Names) < 1 || a.Model != "dga" || a.ScorerID != st.ID {
			t.Errorf("client alert %+v, want client %s", a, want)
		}
		for _, n := range a.Names {
			if !slices.Contains(from, n) {
				t.Errorf("client alert %+v lists %s, not one of its client's DGA names", a, n)
			}
		}
	}
	if zeekClients != 1 || len(clientAlerts) > 3 {
		t.Errorf("%d client alerts from the dns.log (want 1), %d in all: %+v", zeekClients, len(clientAlerts), clientAlerts)
	}
	for _, a := range alerts {
		if a.Kind == "name" && a.BatchMedian != nil && len(a.Detail.TopFeatures) > 0 {
			t.Logf("alert example: %s %s score %.4f client_batch_median %.4f top feature %s (margin %.3f)", a.Source, a.Input, a.Score, *a.BatchMedian, a.Detail.TopFeatures[0].Feature, a.Detail.TopFeatures[0].Margin)
			break
		}
	}
	for _, a := range clientAlerts {
		t.Logf("client alert: %s %s window %s names %v median %.4f", a.Source, a.ClientIP, a.WindowStart, a.Names, a.Score)
	}

	// The registry holds the same alerts.
	stored, err := s.db.Alerts(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(alerts) {
		t.Errorf("registry holds %d alerts, the file %d", len(stored), len(alerts))
	}
	byKey := map[string]srcAlert{}
	for _, a := range alerts {
		byKey[a.Source+" "+a.Input] = a
	}
	for _, r := range stored {
		a, ok := byKey[r.Source+" "+r.Input]
		var med float64
		if r.BatchMedian != nil {
			med = *r.BatchMedian
		}
		var detail srcAlertDetail
		json.Unmarshal(r.Detail, &detail)
		if !ok || r.Score != a.Score || r.SHA256 != shas[0] || r.Version != 1 || r.Model != "dga" || r.ClientIP != a.ClientIP ||
			r.SeenAt.Sub(a.Time).Abs() >= time.Microsecond || r.ScorerID != st.ID || r.Kind != a.Kind ||
			(r.Kind == "name" && (r.BatchMedian == nil || a.BatchMedian == nil || med != *a.BatchMedian)) ||
			len(detail.TopFeatures) != len(a.Detail.TopFeatures) {
			t.Errorf("registry alert %+v (detail %s) does not match the file's %+v", r, r.Detail, a)
		}
	}

	// serve status after the exit: stopped, with the final counters.
	st = s.srcStatus()
	if st.Live || st.StoppedAt == nil || !srcCountersMatch(st.Counters.ZeekDNS, wantZeek) || st.Counters.Alerts != uint64(len(expected)+len(clientAlerts)) ||
		st.Counters.Dnstap["parsed"] < uint64(len(digs)+1) || st.Counters.Dnstap["bad"] != 0 || st.Counters.Dnstap["dropped"] != 0 ||
		st.Counters.Dnstap["read"] != st.Counters.Dnstap["parsed"]+st.Counters.Dnstap["skipped"] {
		t.Errorf("serve status after SIGTERM: %+v", st)
	}
	t.Logf("counters: zeek-dns %v; dnstap %v; alerts %d", st.Counters.ZeekDNS, st.Counters.Dnstap, st.Counters.Alerts)
	t.Logf("whole test %.1fs", time.Since(began).Seconds())
}

// srcOfflineScores scores names with `mlctl score`, offline.
func (s *stack) srcOfflineScores(model string, names []string) map[string]float64 {
	s.t.Helper()
	path := s.writeFile("offline-names.txt", strings.Join(names, "\n")+"\n")
	out := map[string]float64{}
	for _, line := range strings.Split(strings.TrimSpace(s.run("score", "--model", model, "--file", path, "--format", "list", "--json")), "\n") {
		var r struct {
			Input string  `json:"input"`
			Score float64 `json:"score"`
		}
		mustJSON(s.t, line, &r)
		out[r.Input] = r.Score
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			s.t.Fatalf("mlctl score gave no score for %s", n)
		}
	}
	return out
}

// srcScorerStatus is a line of `serve status --json`.
type srcScorerStatus struct {
	ID        string     `json:"id"`
	Model     string     `json:"model"`
	SHA256    string     `json:"sha256"`
	Live      bool       `json:"live"`
	StoppedAt *time.Time `json:"stopped_at"`
	Listen    string     `json:"listen"`
	Counters  struct {
		ZeekDNS map[string]uint64 `json:"zeek-dns"`
		Dnstap  map[string]uint64 `json:"dnstap"`
		Alerts  uint64            `json:"alerts"`
	} `json:"counters"`
}

// srcStatus is the only scorer's `serve status --json`.
func (s *stack) srcStatus() srcScorerStatus {
	s.t.Helper()
	out := strings.TrimSpace(s.run("serve", "status", "--json"))
	if strings.Count(out, "\n") != 0 {
		s.t.Fatalf("serve status lists more than one scorer:\n%s", out)
	}
	var st srcScorerStatus
	mustJSON(s.t, out, &st)
	return st
}

// srcCountersMatch reports whether counters a hold every value of b.
func srcCountersMatch(a, b map[string]uint64) bool {
	if len(a) < len(b) {
		return false
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

// srcAlert is a line of the alerts file.
type srcAlert struct {
	Kind        string         `json:"kind"`
	Time        time.Time      `json:"time"`
	Source      string         `json:"source"`
	ClientIP    string         `json:"client_ip"`
	Input       string         `json:"input"`
	Score       float64        `json:"score"`
	Threshold   float64        `json:"threshold"`
	Model       string         `json:"model"`
	Version     int            `json:"version"`
	SHA256      string         `json:"sha256"`
	ScorerID    string         `json:"scorer_id"`
	BatchMedian *float64       `json:"client_batch_median"`
	Detail      srcAlertDetail `json:"detail"`
	// A client alert's window and names.
	WindowStart string   `json:"window_start"`
	Names       []string `json:"names"`
}

type srcAlertDetail struct {
	TopFeatures []struct {
		Feature string  `json:"feature"`
		Value   float64 `json:"value"`
		Margin  float64 `json:"margin"`
	} `json:"top_features"`
}

// srcReadAlerts reads the complete lines of the alerts file ("" if absent).
func srcReadAlerts(t *testing.T, path string) []srcAlert {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	// Only complete lines: the scorer may be writing the last one.
	b = b[:bytes.LastIndexByte(b, '\n')+1]
	var out []srcAlert
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var a srcAlert
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("alerts file line %q: %v", sc.Text(), err)
		}
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Input < out[j].Input })
	return out
}

// srcPoll calls cond every 50 ms until it holds, failing the test after
// within with the state cond described last.
func srcPoll(t *testing.T, within time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s; %s", within, what, state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// srcMetrics reads /metrics into a map from `name{labels}` to value.
func (sc *scorer) srcMetrics() map[string]float64 {
	sc.t.Helper()
	resp, err := httpClient.Get("http://" + sc.addr + "/metrics")
	if err != nil {
		sc.t.Fatalf("metrics: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		sc.t.Fatalf("metrics: %v", err)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil && i > 0 {
			out[line[:i]] = v
		}
	}
	return out
}

// srcMetric is one sample of /metrics (0 when absent).
func (sc *scorer) srcMetric(key string) float64 { return sc.srcMetrics()[key] }

// srcZeekLog writes a Zeek dns.log as Zeek does, counting its lines.
type srcZeekLog struct {
	t     *testing.T
	path  string
	f     *os.File
	lines int // lines written, across files
}

// create starts a new file at path with the TSV header; the previous one,
// if any, stays open for writing (as a writer that has not switched yet).
func (z *srcZeekLog) create() {
	z.t.Helper()
	f, err := os.OpenFile(z.path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		z.t.Fatal(err)
	}
	z.t.Cleanup(func() { f.Close() })
	if z.f != nil {
		z.f.Close()
	}
	z.f = f
	z.write("#separator \\x09\n" +
		"#set_separator\t,\n" +
		"#empty_field\t(empty)\n" +
		"#unset_field\t-\n" +
		"#path\tdns\n" +
		"#open\t2024-03-01-10-00-00\n" +
		"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\n" +
		"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool\n")
}

// write appends complete lines to the current file.
func (z *srcZeekLog) write(s string) {
	z.t.Helper()
	z.writeRaw(s)
	z.lines += strings.Count(s, "\n")
}

// writeRaw appends bytes without counting lines.
func (z *srcZeekLog) writeRaw(s string) {
	z.t.Helper()
	if _, err := z.f.WriteString(s); err != nil {
		z.t.Fatal(err)
	}
}

// waitRead waits until the scorer has read n dns.log lines.
func (z *srcZeekLog) waitRead(sc *scorer, n int) {
	z.t.Helper()
	srcPoll(z.t, 10*time.Second, fmt.Sprintf("zeek-dns read %d lines", n), func() (bool, string) {
		m := sc.srcMetrics()
		return m[`mlctl_source_read_total{source="zeek-dns"}`] == float64(n), fmt.Sprintf("metrics %v", m)
	})
}

// srcZeekTS is a Zeek ts: epoch seconds with microseconds.
func srcZeekTS(t time.Time) string { return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000) }

// srcZeekLine is one dns.log record (24 fields) of client asking for query.
func srcZeekLine(ts, client, query string) string {
	uid := fmt.Sprintf("C%x", len(query)*7919+len(client))
	return strings.Join([]string{ts, uid, client, "53124", "10.0.0.1", "53", "udp", "4711", "0.001234", query,
		"1", "C_INTERNET", "1", "A", "3", "NXDOMAIN", "F", "F", "T", "T", "0", "-", "-", "F"}, "\t") + "\n"
}
