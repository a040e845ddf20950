package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/deploy/devenv"
	"github.com/mlctl/mlctl/features/flow"
)

// stratosphere returns the path of a file of the shared Stratosphere captures.
func stratosphere(t *testing.T, rel string) string {
	t.Helper()
	dir, err := devenv.SharedData()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "flows", rel)
}

// flowScoreLine is one line of `score --json` for a flow model.
type flowScoreLine struct {
	Input         string  `json:"input"`
	Score         float64 `json:"score"`
	Label         int     `json:"label"`
	Model         string  `json:"model"`
	SrcIP         string  `json:"src_ip"`
	WindowStart   string  `json:"window_start"`
	WindowSeconds int     `json:"window_seconds"`
	Top           []struct {
		Feature string `json:"feature"`
	} `json:"top_features"`
}

// TestFlowModelsTrainScoreServe: a random forest, an isolation forest and
// gbdt train through TrainModel on a labeled Stratosphere conn.log (source
// windows), publish seeded models, score another capture offline window by
// window, and `mlctl serve --zeek-conn` scores a growing conn.log with the
// promoted flow model: the alerts are exactly the windows the offline
// score labels 1, with top features and campaign IDs, and the HTTP API
// takes flows and refuses names.
func TestFlowModelsTrainScoreServe(t *testing.T) {
	s := newStack(t)
	s.startWorker()
	trainLog := stratosphere(t, "stratosphere-008-zeek-mixed/data/conn.log.labeled")
	testLog := stratosphere(t, "stratosphere-010-zeek-mixed/data/conn.log.labeled")
	s.run("dataset", "ingest", "flows", "--kind", "flow", "--file", trainLog)

	for _, tc := range []struct {
		algo   string
		minAUC float64
	}{{"rf", 0.97}, {"iforest", 0.80}, {"gbdt", 0.97}} {
		var a, b trained
		args := []string{"train", "--dataset", "flows", "--algo", tc.algo, "--wait", "--json"}
		mustJSON(t, s.run(args...), &a)
		if a.Algo != tc.algo || a.Model != "flows-"+tc.algo || a.Metrics.AUCROC < tc.minAUC {
			t.Fatalf("%s: %+v (want ROC-AUC ≥ %.2f)", tc.algo, a, tc.minAUC)
		}
		if tc.algo != "gbdt" {
			mustJSON(t, s.run(args...), &b)
			if b.SHA256 != a.SHA256 {
				t.Fatalf("%s: the same seed gave %s then %s", tc.algo, a.SHA256, b.SHA256)
			}
		}
	}

	// Offline: one line per source window of the other capture.
	recs, _, err := datasets.ReadConn(testLog)
	if err != nil {
		t.Fatal(err)
	}
	units, err := flow.Windows(recs, flow.WindowsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	out := s.run("score", "--model", "flows-rf@1", "--file", testLog, "--json", "--explain", "3")
	var offline []flowScoreLine
	flagged := map[string]bool{}
	for line := range strings.Lines(out) {
		var l flowScoreLine
		mustJSON(t, line, &l)
		if l.Model != "flows-rf" || l.WindowSeconds != 10 || l.Input != l.SrcIP+"@"+l.WindowStart || len(l.Top) > 3 || (l.Label == 1 && len(l.Top) == 0) {
			t.Fatalf("score line %s", line)
		}
		if l.Label == 1 {
			flagged[l.Input] = true
		}
		offline = append(offline, l)
	}
	if len(offline) != len(units) || len(flagged) == 0 {
		t.Fatalf("score gave %d lines (%d flagged) for %d windows", len(offline), len(flagged), len(units))
	}
	feat := s.run("features", "--kind", "flow", "--model", "flows-rf@1", "--file", testLog, "--json")
	var first struct {
		Names []string `json:"names"`
	}
	mustJSON(t, strings.SplitN(feat, "\n", 2)[0], &first)
	if len(first.Names) != len(flow.DefaultWindowSet().Names()) || strings.Count(feat, "\n") != len(units) {
		t.Fatalf("features: %d names, %d lines", len(first.Names), strings.Count(feat, "\n"))
	}

	// Drift: the other capture's windows against the training windows.
	var dr struct {
		Report struct {
			Tested       int     `json:"tested"`
			DriftedShare float64 `json:"drifted_share"`
			RecentRows   int     `json:"recent_rows"`
		} `json:"report"`
	}
	mustJSON(t, s.run("drift", "flows-rf@1", "--file", testLog, "--json"), &dr)
	if dr.Report.Tested == 0 || dr.Report.RecentRows != len(units) || !strings.Contains(s.run("models", "show", "flows-rf@1"), "drift") {
		t.Fatalf("drift: %+v", dr)
	}

	// Live: the promoted flow model scores a conn.log as it grows.
	s.run("promote", "flows-rf@1", "--alias", "flowprod", "--wait")
	conn := filepath.Join(s.dir, "conn.log")
	alerts := filepath.Join(s.dir, "alerts.jsonl")
	data, err := os.ReadFile(testLog)
	if err != nil {
		t.Fatal(err)
	}
	half := bytes.IndexByte(data[len(data)/2:], '\n') + len(data)/2 + 1
	if err := os.WriteFile(conn, data[:half], 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	// Zeek logs a connection when it ends, so this capture's log runs up
	// to 6.7 hours behind its newest ts (long connections): 12 hours'
	// lateness keeps every connection in its window, as the offline reader
	// does, and the alerts must then be exactly the offline labels.
	sc := s.startScorer(addr, "--alias", "flowprod", "--zeek-conn", conn, "--alerts", alerts, "--flow-lateness", "12h")
	sc.waitVersion(1, 20*time.Second)
	srcPoll(t, 20*time.Second, "alerts from the first half", func() (bool, string) {
		n := len(srcReadAlerts(t, alerts))
		return n > 0, "none yet"
	})
	f, err := os.OpenFile(conn, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(data[half:])
	f.Close()

	// The API scores flows (Zeek JSON records) and refuses names.
	body := `{"flows":[{"ts":1655071200.5,"id.orig_h":"10.9.9.9","id.orig_p":40000,"id.resp_h":"10.0.0.1","id.resp_p":22,"proto":"tcp","conn_state":"S0"},` +
		`{"ts":1655071201.5,"id.orig_h":"10.9.9.9","id.orig_p":40001,"id.resp_h":"10.0.0.1","id.resp_p":23,"proto":"tcp","conn_state":"REJ"},{"ts":"x"}]}`
	code, resp := post(t, addr, body)
	if code != 200 || !strings.Contains(resp, `"input":"10.9.9.9@2022-06-12T22:00:00Z"`) || !strings.Contains(resp, `"errors":[{"flow":2`) {
		t.Fatalf("POST flows: %d %s", code, resp)
	}
	if code, resp := post(t, addr, `{"names":["example.com"]}`); code != http.StatusConflict || !strings.Contains(resp, "scores flow inputs") {
		t.Fatalf("POST names to a flow model: %d %s", code, resp)
	}
	srcPoll(t, 30*time.Second, "the whole log read", func() (bool, string) {
		m := sc.srcMetrics()
		n := m[`mlctl_source_parsed_total{source="zeek-conn"}`]
		return n >= float64(len(recs)), fmt.Sprintf("%.0f of %d flows parsed", n, len(recs))
	})
	if late := sc.srcMetric("mlctl_flow_late_total"); late != 0 {
		t.Fatalf("%v flows late with --flow-lateness 12h", late)
	}
	sc.stop() // closes the open windows: the last units are scored
	got := srcReadAlerts(t, alerts)
	live := map[string]bool{}
	for _, a := range got {
		if a.Model != "flows-rf" || a.Source != "zeek-conn" || a.Version != 1 || len(a.Detail.TopFeatures) == 0 || !strings.HasPrefix(a.Input, a.ClientIP+"@") {
			t.Fatalf("alert %+v", a)
		}
		live[a.Input] = true
	}
	if missing, extra := diff(flagged, live); len(missing)+len(extra) > 0 {
		t.Fatalf("live alerts differ from offline labels: %d windows only offline %v, %d only live %v", len(missing), missing, len(extra), extra)
	}
	// Campaign IDs are in every alert line (-1 when none).
	raw, _ := os.ReadFile(alerts)
	if n := strings.Count(string(raw), `"campaign_id":`); n != len(got) {
		t.Fatalf("%d of %d alerts carry campaign_id", n, len(got))
	}
}

func post(t *testing.T, addr, body string) (int, string) {
	t.Helper()
	resp, err := httpClient.Post("http://"+addr+"/v1/score", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// diff lists the keys only in a and only in b, sorted, at most 10 each.
func diff(a, b map[string]bool) (onlyA, onlyB []string) {
	for k := range a {
		if !b[k] {
			onlyA = append(onlyA, k)
		}
	}
	for k := range b {
		if !a[k] {
			onlyB = append(onlyB, k)
		}
	}
	sort.Strings(onlyA)
	sort.Strings(onlyB)
	return onlyA[:min(10, len(onlyA))], onlyB[:min(10, len(onlyB))]
}
