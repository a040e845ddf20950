package serving

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/flow"
	"github.com/mlctl/mlctl/published/publishedtest"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/training/gbdt"
)

// connLog is a Zeek conn.log (TSV) of sources sources, each making a few
// connections in two 10 s windows; every third source walks ports.
func connLog(sources int) string {
	var b strings.Builder
	b.WriteString("#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\n")
	b.WriteString("#types\ttime\ttime\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\n")
	t0 := int64(1700000000)
	for w := range 2 {
		for i := range sources {
			for j := range 1 + (i*7+w)%6 {
				port := 443
				if i%3 == 0 {
					port = 1000 + j
				}
				fmt.Fprintf(&b, "%d.%06d\tC%d-%d-%d\t10.0.%d.%d\t5%04d\t192.0.2.%d\t%d\ttcp\t-\t0.%d\t%d\t%d\tSF\n",
					t0+int64(12*w+j%9), i, w, i, j, i/200, 1+i%200, j, 1+j%5, port, 1+j%9, 100*(1+i%4), 50*j)
			}
		}
	}
	return b.String()
}

// connUnits are the source windows of a conn.log, as `mlctl score` makes them.
func connUnits(t testing.TB, path string) []flow.Unit {
	t.Helper()
	recs, bad, err := datasets.ReadConn(path)
	if err != nil || len(bad) > 0 {
		t.Fatalf("read %s: %v (%d bad rows)", path, err, len(bad))
	}
	units, err := flow.Windows(recs, flow.WindowsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return units
}

// publishFlowModel trains a small gbdt on the source windows of a
// generated conn.log (port walkers labeled 1; flip inverts the labels)
// and publishes it as name@next with threshold 0.5.
func publishFlowModel(t *testing.T, db *registry.DB, name string, flip bool) *registry.Model {
	t.Helper()
	path := filepath.Join(t.TempDir(), "train.log")
	if err := os.WriteFile(path, []byte(connLog(90)), 0o644); err != nil {
		t.Fatal(err)
	}
	units := connUnits(t, path)
	names := flow.DefaultWindowSet().Names()
	vectors := make([][]float64, len(units))
	y := make([]float32, len(units))
	for i, u := range units {
		vectors[i] = u.Values
		if (u.SrcIP.As4()[3]-1)%3 == 0 {
			y[i] = 1
		}
		if flip {
			y[i] = 1 - y[i]
		}
	}
	idx, err := artifact.ColumnMap(names, names)
	if err != nil {
		t.Fatal(err)
	}
	p := gbdt.DefaultParams()
	p.Rounds, p.MaxDepth = 10, 3
	m, err := gbdt.Train(context.Background(), artifact.VectorMatrix(idx, vectors), y, p, gbdt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := artifact.VectorFeatureSet("flow", names)
	if err != nil {
		t.Fatal(err)
	}
	return publishedtest.Publish(t, db, name, &artifact.Artifact{Algo: "gbdt", Params: map[string]string{}, Model: m, FeatureSet: fs}, 0.5)
}

// postBody POSTs body to /v1/score and returns the status and answer.
func postBody(t *testing.T, addr, body string) (int, string) {
	t.Helper()
	resp, err := http.Post("http://"+addr+"/v1/score", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// rowKey keys a vector for set membership.
func rowKey(v []float64) string { return fmt.Sprint(v) }

// TestLiveSampleOfANameModel: a scorer keeps a bounded sample of the
// features of the names it scores and records it periodically, with the
// model's feature names as columns; the next model in service starts a
// sample of its own. A model without named features keeps none.
func TestLiveSampleOfANameModel(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	m1, m2 := publishModel(t, db, "dga", 1), publishModel(t, db, "dga", 2)
	promote(t, db, "production", m1)
	srv, stop := runServer(t, db, Config{Alias: "production", HTTPAddr: "127.0.0.1:0", DriftSample: 40, SampleFlush: 30 * time.Millisecond})
	eventually(t, "model loaded", func() bool { return srv.Holder().Get() != nil })
	names := demoNames(t, 5, 150)
	postNames(t, srv.Addr(), names[:100])
	postNames(t, srv.Addr(), names[100:])
	var got registry.LiveSample
	eventually(t, "live sample recorded", func() bool {
		ss, err := db.LiveSamples(ctx, m1.ID, time.Time{})
		if err != nil || len(ss) != 1 {
			return false
		}
		got = ss[0]
		return got.Seen == int64(len(names))
	})
	lm := load(t, db, m1)
	if got.ScorerID != srv.ID() || !slices.Equal(got.Columns, lm.Scorer.Names()) || len(got.Columns) == 0 || len(got.Rows) != 40 {
		t.Fatalf("sample of scorer %s: %d columns (want the model's %d), %d rows (want 40)", got.ScorerID, len(got.Columns), len(lm.Scorer.Names()), len(got.Rows))
	}
	scored := map[string]bool{}
	for _, n := range names {
		v := make([]float64, len(got.Columns))
		lm.Scorer.Features(n, v)
		scored[rowKey(v)] = true
	}
	kept := map[string]bool{}
	for _, r := range got.Rows {
		if !scored[rowKey(r)] {
			t.Fatalf("sampled row %v is not the features of a scored name", r)
		}
		kept[rowKey(r)] = true
	}
	if len(kept) < 35 {
		t.Fatalf("%d distinct rows of 40: the sample repeats", len(kept))
	}
	if metrics := httpGet(t, "http://"+srv.Addr()+"/metrics"); !strings.Contains(metrics, `mlctl_live_sample_rows{model="dga@1"} 40`+"\n") ||
		!strings.Contains(metrics, `mlctl_live_sample_seen_total{model="dga@1"} 150`+"\n") {
		t.Fatal("/metrics lacks the live sample's rows and seen")
	}

	// The next model starts its own sample; dga@1's last one stays.
	promote(t, db, "production", m2)
	eventually(t, "dga@2 in service", func() bool { return srv.Holder().Get().ID == m2.ID })
	next := demoNames(t, 6, 30)
	postNames(t, srv.Addr(), next)
	stop()
	if ss, err := db.LiveSamples(ctx, m1.ID, time.Time{}); err != nil || len(ss) != 1 || ss[0].Seen != int64(len(names)) {
		t.Fatalf("dga@1's sample after the swap: %+v %v", ss, err)
	}
	ss, err := db.LiveSamples(ctx, m2.ID, time.Time{})
	if err != nil || len(ss) != 1 || ss[0].Seen != int64(len(next)) || len(ss[0].Rows) != len(next) {
		t.Fatalf("dga@2's sample (written at shutdown): %+v %v", ss, err)
	}
	lm2 := load(t, db, m2)
	for i, n := range next { // under capacity: every row, in order
		v := make([]float64, len(ss[0].Columns))
		lm2.Scorer.Features(n, v)
		if !slices.Equal(ss[0].Rows[i], v) {
			t.Fatalf("row %d is %v; want the features of %s %v", i, ss[0].Rows[i], n, v)
		}
	}

	sc, err := artifact.NewScorer(trainTXTModel(t))
	if err != nil {
		t.Fatal(err)
	}
	if s := NewLiveSample(&Model{ID: 9, Scorer: sc}, 10, 1); s != nil {
		t.Fatal("an LSTM, without named features, has a live sample")
	}
}

// TestLiveSampleAndShadowOfAFlowModel: a scorer following a conn.log and
// taking flows over HTTP with a flow model keeps a bounded sample of the
// window vectors it scores, in the model's feature order, and scores each
// window with the shadow's challenger too: the stats it records are those
// computed offline.
func TestLiveSampleAndShadowOfAFlowModel(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	champ, chall := publishFlowModel(t, db, "flows", false), publishFlowModel(t, db, "flows", true)
	promote(t, db, "production", champ)
	sh, err := db.StartShadow(ctx, "production", champ.ID, chall.ID, "retrain-1")
	if err != nil {
		t.Fatal(err)
	}
	conn := filepath.Join(t.TempDir(), "conn.log")
	text := connLog(40)
	if err := os.WriteFile(conn, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, stop := runServer(t, db, Config{Alias: "production", HTTPAddr: "127.0.0.1:0", ZeekConn: conn, DriftSample: 5, SampleFlush: time.Hour, Heartbeat: time.Hour})
	lines := uint64(strings.Count(text, "\n"))
	eventually(t, "conn.log read", func() bool { return srv.flows.counters.Read.Load() == lines })
	// Flows of three sources over HTTP: three windows more.
	var flows []string
	for i := range 6 {
		flows = append(flows, fmt.Sprintf(`{"ts":%d.5,"uid":"H%d","id.orig_h":"10.9.0.%d","id.orig_p":4000%d,"id.resp_h":"192.0.2.9","id.resp_p":%d,"proto":"tcp","duration":0.2,"orig_bytes":%d,"resp_bytes":10,"conn_state":"SF"}`,
			1700000100+i, i, 1+i%3, i, 20+i, 100*i))
	}
	code, body := postBody(t, srv.Addr(), `{"flows":[`+strings.Join(flows, ",")+`]}`)
	var answer struct {
		Results []struct{ Input string } `json:"results"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &answer) != nil || len(answer.Results) != 3 {
		t.Fatalf("POST flows: %d %s", code, body)
	}
	stop() // the open windows close and are scored; then all is recorded

	units := connUnits(t, conn)
	if n := srv.flows.counters.Scored.Load(); n != uint64(len(units)) || len(units) < 20 {
		t.Fatalf("scorer scored %d windows; offline there are %d", n, len(units))
	}
	httpLog := filepath.Join(t.TempDir(), "http.log")
	if err := os.WriteFile(httpLog, []byte(strings.Join(flows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fromLog := len(units) // alerts come from these; HTTP answers, never alerts
	units = append(units, connUnits(t, httpLog)...)
	ss, err := db.LiveSamples(ctx, champ.ID, time.Time{})
	if err != nil || len(ss) != 1 {
		t.Fatalf("live samples %+v %v", ss, err)
	}
	names := flow.DefaultWindowSet().Names()
	if s := ss[0]; s.ScorerID != srv.ID() || !slices.Equal(s.Columns, names) || len(s.Rows) != 5 || s.Seen != int64(len(units)) {
		t.Fatalf("sample of scorer %s: %d columns, %d rows (want 5), seen %d (want %d)", s.ScorerID, len(s.Columns), len(s.Rows), s.Seen, len(units))
	}
	windows := map[string]bool{}
	vectors := make([][]float64, len(units))
	for i, u := range units {
		windows[rowKey(u.Values)] = true
		vectors[i] = u.Values
	}
	for _, r := range ss[0].Rows {
		if !windows[rowKey(r)] {
			t.Fatalf("sampled row %v is not a scored window's vector", r)
		}
	}

	lc, lh := load(t, db, champ), load(t, db, chall)
	a, b := make([]float64, len(units)), make([]float64, len(units))
	if err := lc.Scorer.ScoreVectors(names, vectors, a); err != nil {
		t.Fatal(err)
	}
	if err := lh.Scorer.ScoreVectors(names, vectors, b); err != nil {
		t.Fatal(err)
	}
	want := offlineStats(lc, lh, a, b)
	if want.Disagreements == 0 {
		t.Fatalf("the flow models never disagree: %s", totals(want))
	}
	t.Logf("%d windows: %s", len(units), totals(want))
	sum, err := db.SummariseShadow(ctx, sh.ID)
	if err != nil || sum.Scorers != 1 || !sameTotals(sum.ShadowStats, want) {
		t.Fatalf("recorded shadow %v\n got %s\nwant %s", err, totals(sum.ShadowStats), totals(want))
	}
	alerts, err := db.Alerts(ctx, 10000)
	if wantAlerts := offlineStats(lc, lh, a[:fromLog], b[:fromLog]).ChampionAlerts; err != nil || int64(len(alerts)) != wantAlerts {
		t.Fatalf("%d alerts (%v); the champion alerts on %d windows of the conn.log", len(alerts), err, wantAlerts)
	}
	for _, al := range alerts {
		if al.ModelID != champ.ID {
			t.Fatalf("alert not the champion's: %+v", al)
		}
	}
}
