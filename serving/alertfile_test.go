package serving

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/diskfault"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestAlertsFileDiskFull: with the alerts file's disk full, alerts still
// reach the registry, the file never holds a partial line, and once space
// is freed the file gets every alert, in order, from the spool.
func TestAlertsFileDiskFull(t *testing.T) {
	disk := diskfault.SmallDisk(t, "64k")
	path := filepath.Join(disk, "alerts.jsonl")
	db := registrytest.Open(t)
	sink, err := NewAlertSinkWith(db, "s1", quiet, AlertSinkOptions{File: path, Spool: filepath.Join(t.TempDir(), "spool", "p")})
	if err != nil {
		t.Fatal(err)
	}
	sink.Add(context.Background(), numberedAlerts(0, 10))
	waitFor(t, "the first alerts in the file", func() bool { return sink.Delivery()[SinkFile].Delivered == 10 })
	filler := diskfault.Fill(t, disk)
	for i := 10; i < 200; i += 10 {
		sink.Add(context.Background(), numberedAlerts(i, i+10))
	}
	waitFor(t, "alerts stored and spooled for the file", func() bool {
		return sink.Delivery()[SinkRegistry].Delivered == 200 && sink.Delivery()[SinkFile].InSpool == 190
	})
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if !json.Valid([]byte(l)) {
			t.Fatalf("line %d of the alerts file on a full disk is not whole: %q", i+1, l)
		}
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the spool written to the file", func() bool { return sink.Delivery()[SinkFile].InSpool == 0 })
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if got := fileInputs(t, path); !slices.Equal(got, inputsOf(0, 200)) {
		t.Fatalf("the alerts file holds %d alerts, not the 200 in order", len(got))
	}
	if c := sink.Delivery()[SinkFile]; c.Dropped != 0 || c.Failures == 0 {
		t.Fatalf("file delivery counters %+v", c)
	}
}
