package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/diskfault"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestAlertsFileDiskFullScoringContinues: a real `mlctl serve` writes its
// alerts file on a disk that fills up (a small tmpfs) under a dns.log
// feed. Scoring goes on, alerts keep reaching the registry, those the file
// cannot take are counted and spooled, the file never holds half a line,
// and when space is freed it gets every alert. Before, a write failure
// lost its batch from the file (logged only).
func TestAlertsFileDiskFullScoringContinues(t *testing.T) {
	url := registrytest.NewDatabase(t)
	db := registrytest.OpenURL(t, url)
	disk := diskfault.SmallDisk(t, "32m")
	f := startAlertFeed(t, url, db, filepath.Join(disk, "alerts.jsonl"))
	f.feed(2 * time.Second)
	filler := diskfault.Fill(t, disk)
	scored := f.sc.srcMetric(`mlctl_source_scored_total{source="zeek-dns"}`)
	f.feed(10 * time.Second)
	m := f.sc.srcMetrics()
	if m[`mlctl_source_scored_total{source="zeek-dns"}`] <= scored {
		t.Fatal("scoring stopped when the alerts file's disk filled")
	}
	failures, spooled := m[`mlctl_alert_delivery_failures_total{sink="file"}`], m[`mlctl_alert_spool_alerts{sink="file"}`]
	if failures == 0 || spooled == 0 || m[`mlctl_alert_spool_alerts{sink="registry"}`] != 0 {
		t.Fatalf("disk full: %v failed file writes, %v alerts spooled for the file, %v for the registry", failures, spooled, m[`mlctl_alert_spool_alerts{sink="registry"}`])
	}
	t.Logf("disk full for 10 s: %v failed writes counted, %v alerts spooled for the file, scoring went on", failures, spooled)
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	f.feed(2 * time.Second)
	raised := f.checkNothingLost(f.finish())
	t.Logf("%d queries, %v alerts: every one stored once and written once", f.next, raised)
}
