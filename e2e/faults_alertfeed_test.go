package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/published/publishedtest"
	"github.com/mlctl/mlctl/registry"
)

// alertFeed is a real `mlctl serve` following a Zeek dns.log that the test
// feeds at a steady rate, raising a few hundred alerts a second: the load
// of the alert delivery fault tests.
type alertFeed struct {
	t      *testing.T
	db     *registry.DB
	z      *srcZeekLog
	sc     *scorer
	alerts string // the --alerts file
	names  []datasets.Row
	next   int // queries written
}

// startAlertFeed publishes a small name model to the registry at url (db
// open on it), points production at it, and starts a scorer writing
// alerts to alertsPath, once its model is in service.
func startAlertFeed(t *testing.T, url string, db *registry.DB, alertsPath string) *alertFeed {
	t.Helper()
	ctx := context.Background()
	m := publishedtest.Publish(t, db, "dga", publishedtest.NameModel(t, 5, 2000, 30, false), 0.5)
	if _, err := db.SetAlias(ctx, registry.MoveAlias{Alias: "production", ModelID: m.ID, Action: "promote", Reason: "fault test", By: "test"}); err != nil {
		t.Fatal(err)
	}
	s := &stack{t: t, dbURL: url, db: db, dir: t.TempDir()}
	f := &alertFeed{t: t, db: db, alerts: alertsPath, names: datasets.GenerateDemo(77, 20000)}
	f.z = &srcZeekLog{t: t, path: filepath.Join(s.dir, "dns.log")}
	f.z.create()
	f.sc = s.startScorer(freeAddr(t), "--alias", "production", "--zeek-dns", f.z.path, "--alerts", alertsPath, "--client-window", "0")
	srcPoll(t, 30*time.Second, "the model in service", func() (bool, string) {
		h, _ := f.sc.health()
		return h.Version == m.Version, fmt.Sprintf("%+v", h)
	})
	return f
}

// feed writes 100 queries every 100 ms for d, each from its own client,
// half of them generated DGA names.
func (f *alertFeed) feed(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		var b []byte
		for i := 0; i < 100; i++ {
			n := f.names[f.next%len(f.names)]
			client := fmt.Sprintf("10.%d.%d.%d", f.next>>16&255, f.next>>8&255, f.next&255)
			b = append(b, srcZeekLine(srcZeekTS(time.Now()), client, n.Name)...)
			f.next++
		}
		f.z.write(string(b))
	}
}

// raised is the alerts the scorer raised so far (mlctl_alerts_total).
func (f *alertFeed) raised() float64 { return raisedIn(f.sc.srcMetrics()) }

// raisedIn is the alerts raised according to metrics m.
func raisedIn(m map[string]float64) float64 {
	var n float64
	for _, k := range []string{"name", "client", "tunnel", "flow", "txt"} {
		n += m[`mlctl_alerts_total{kind="`+k+`"}`]
	}
	return n
}

// finish waits until every line written was read and scored and both
// spools are empty, stops the scorer (SIGTERM) and returns its last
// metrics.
func (f *alertFeed) finish() map[string]float64 {
	f.t.Helper()
	f.z.waitRead(f.sc, f.z.lines)
	var last map[string]float64
	prev := -1.0
	// An empty queue can hide the last batch, taken from it and being
	// scored: the alerts raised must also hold still over a poll.
	srcPoll(f.t, 60*time.Second, "every query scored and the spools delivered", func() (bool, string) {
		last = f.sc.srcMetrics()
		inSpool := last[`mlctl_alert_spool_alerts{sink="registry"}`] + last[`mlctl_alert_spool_alerts{sink="file"}`]
		raised := raisedIn(last)
		still := raised == prev
		prev = raised
		if !still {
			time.Sleep(300 * time.Millisecond)
		}
		return still && last[`mlctl_queue_length`] == 0 && inSpool == 0, fmt.Sprintf("queue %v, in the spools %v, raised %v", last[`mlctl_queue_length`], inSpool, raised)
	})
	f.sc.stop()
	return last
}

// checkNothingLost fails the test unless every alert raised (by the
// scorer's last metrics m, from finish) is in the alerts table once and in
// the alerts file once, with the same IDs, and no query or alert was
// dropped. It returns how many were raised.
func (f *alertFeed) checkNothingLost(m map[string]float64) float64 {
	f.t.Helper()
	t := f.t
	raised := raisedIn(m)
	if d := m[`mlctl_source_dropped_total{source="zeek-dns"}`]; d != 0 {
		t.Fatalf("%v queries dropped", d)
	}
	for _, sink := range []string{"registry", "file"} {
		if d := m[`mlctl_alerts_dropped_total{sink="`+sink+`"}`]; d != 0 {
			t.Fatalf("%v alerts dropped by the %s sink", d, sink)
		}
	}
	rows, err := f.db.Pool().Query(context.Background(), `SELECT alert_uid::text FROM alerts`)
	if err != nil {
		t.Fatal(err)
	}
	inTable := map[string]bool{}
	stored := 0
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		inTable[id] = true
		stored++
	}
	rows.Close()
	inFile := alertIDs(t, f.alerts)
	both := 0
	for id := range inFile {
		if inTable[id] {
			both++
		}
	}
	if float64(stored) != raised || len(inTable) != stored || len(inFile) != stored || both != stored {
		t.Fatalf("raised %v; stored %d (%d distinct IDs); in the file %d; in both %d", raised, stored, len(inTable), len(inFile), both)
	}
	return raised
}

// alertIDs reads the alert IDs of an alerts file, failing on a repeat or a
// line that is not a whole alert.
func alertIDs(t *testing.T, path string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ids := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var a struct {
			ID string `json:"alert_id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil || a.ID == "" {
			t.Fatalf("%s line %d: %q %v", path, n, sc.Text(), err)
		}
		if ids[a.ID] {
			t.Fatalf("%s line %d: alert %s written twice", path, n, a.ID)
		}
		ids[a.ID] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}
