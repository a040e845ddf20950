package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	db := registrytest.OpenURL(t, url)
	f := startAlertFeed(t, url, db, filepath.Join(t.TempDir(), "alerts.jsonl"))
	f.feed(5 * time.Second)
	before := f.raised()
	pg.Stop()
	t.Logf("PostgreSQL stopped after %d queries, %v alerts", f.next, before)
	f.feed(60 * time.Second)
	during := f.raised() - before
	spooled := f.sc.srcMetric(`mlctl_alert_spool_alerts{sink="registry"}`)
	pg.Start()
	t.Logf("PostgreSQL started again: %v alerts raised in the outage, %v waiting in the spool", during, spooled)
	f.feed(5 * time.Second)
	m := f.finish()
	if during < 100 || spooled == 0 {
		t.Fatalf("%v alerts in the outage, %v spooled: the test did not exercise the spool", during, spooled)
	}
	raised := f.checkNothingLost(m)
	var warned []string
	for _, l := range strings.Split(f.sc.log.String(), "\n") {
		if strings.Contains(l, "level=WARN") || strings.Contains(l, "level=ERROR") {
			warned = append(warned, l)
		}
	}
	if len(warned) > 8 {
		t.Fatalf("%d warnings and errors logged for one outage, want a few:\n%s", len(warned), strings.Join(warned, "\n"))
	}
	t.Logf("the outage logged %d warnings and errors", len(warned))
	t.Logf("%d queries; %v alerts raised, %v during the 60 s outage (%v spooled for the registry); every one stored once and written once",
		f.next, raised, during, spooled)
}
