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
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestNoAlertLostAcrossPostgresOutage: a real `mlctl serve` follows a Zeek
// dns.log fed at a steady rate while its PostgreSQL (a private server) is
// stopped for 60 s and started again. Every alert the scorer raised is in
// the alerts table once and in the alerts file once, the same alert IDs;
// scoring never stopped. Before the spool, the alerts raised in the outage
// never reached the table (240 of 791 in a 12 s outage).
func TestNoAlertLostAcrossPostgresOutage(t *testing.T) {
	pg := registrytest.StartPrivateServer(t)
	url := pg.NewDatabase("outage")
	ctx := context.Background()
	db, err := registry.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	m := publishedtest.Publish(t, db, "dga", publishedtest.NameModel(t, 5, 2000, 30, false), 0.5)
	if _, err := db.SetAlias(ctx, registry.MoveAlias{Alias: "production", ModelID: m.ID, Action: "promote", Reason: "outage test", By: "test"}); err != nil {
		t.Fatal(err)
	}
	s := &stack{t: t, dbURL: url, db: db, dir: t.TempDir()}
	z := &srcZeekLog{t: t, path: filepath.Join(s.dir, "dns.log")}
	z.create()
	alerts := filepath.Join(s.dir, "alerts.jsonl")
	sc := s.startScorer(freeAddr(t), "--alias", "production", "--zeek-dns", z.path, "--alerts", alerts, "--client-window", "0")
	srcPoll(t, 30*time.Second, "the model in service", func() (bool, string) {
		h, _ := sc.health()
		return h.Version == m.Version, fmt.Sprintf("%+v", h)
	})

	names := datasets.GenerateDemo(77, 20000)
	next := 0
	feed := func(d time.Duration) {
		// 100 queries every 100 ms, each from its own client, half of them
		// generated DGA names: a few hundred alerts a second.
		for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
			var b []byte
			for i := 0; i < 100; i++ {
				n := names[next%len(names)]
				b = append(b, srcZeekLine(srcZeekTS(time.Now()), fmt.Sprintf("10.%d.%d.%d", next>>16&255, next>>8&255, next&255), n.Name)...)
				next++
			}
			z.write(string(b))
		}
	}
	raised := func() float64 {
		var n float64
		for _, k := range []string{"name", "client", "tunnel", "flow", "txt"} {
			n += sc.srcMetric(`mlctl_alerts_total{kind="` + k + `"}`)
		}
		return n
	}

	feed(5 * time.Second)
	before := raised()
	pg.Stop()
	t.Logf("PostgreSQL stopped after %d queries, %v alerts", next, before)
	feed(60 * time.Second)
	during := raised() - before
	spooled := sc.srcMetric(`mlctl_alert_spool_alerts{sink="registry"}`)
	pg.Start()
	t.Logf("PostgreSQL started again: %v alerts raised in the outage, %v waiting in the spool", during, spooled)
	feed(5 * time.Second)
	z.waitRead(sc, z.lines)
	srcPoll(t, 60*time.Second, "every query scored and the spool delivered", func() (bool, string) {
		mm := sc.srcMetrics()
		queued := mm[`mlctl_queue_length`]
		inSpool := mm[`mlctl_alert_spool_alerts{sink="registry"}`] + mm[`mlctl_alert_spool_alerts{sink="file"}`]
		scored := mm[`mlctl_source_scored_total{source="zeek-dns"}`] + mm[`mlctl_prefiltered_total{reason="local",source="zeek-dns"}`]
		return queued == 0 && inSpool == 0 && mm[`mlctl_source_scored_total{source="zeek-dns"}`] > 0,
			fmt.Sprintf("queue %v, in spool %v, scored %v", queued, inSpool, scored)
	})
	total := raised()
	mm := sc.srcMetrics()
	sc.stop()

	if during < 100 || spooled == 0 {
		t.Fatalf("%v alerts in the outage, %v spooled: the test did not exercise the spool", during, spooled)
	}
	if d := mm[`mlctl_source_dropped_total{source="zeek-dns"}`]; d != 0 {
		t.Fatalf("%v queries dropped", d)
	}
	for _, sink := range []string{"registry", "file"} {
		if d := mm[`mlctl_alerts_dropped_total{sink="`+sink+`"}`]; d != 0 {
			t.Fatalf("%v alerts dropped by the %s sink", d, sink)
		}
	}
	var stored, distinct int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*), count(DISTINCT alert_uid) FROM alerts`).Scan(&stored, &distinct); err != nil {
		t.Fatal(err)
	}
	inFile := alertIDs(t, alerts)
	var inTable []string
	rows, err := db.Pool().Query(ctx, `SELECT alert_uid::text FROM alerts`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		inTable = append(inTable, id)
	}
	rows.Close()
	missing := 0
	for _, id := range inTable {
		if !inFile[id] {
			missing++
		}
	}
	t.Logf("%d queries; %v alerts raised (%v during the 60 s outage, %v spooled for the registry); %d stored (%d distinct IDs); %d in the file",
		next, total, during, spooled, stored, distinct, len(inFile))
	if float64(stored) != total || distinct != stored || len(inFile) != stored || missing != 0 {
		t.Fatalf("raised %v, stored %d (%d distinct), in the file %d, stored but not in the file %d", total, stored, distinct, len(inFile), missing)
	}
}

// alertIDs reads the alert IDs of an alerts file, failing on a repeat.
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
	return ids
}
