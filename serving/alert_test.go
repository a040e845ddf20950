package serving

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestAlertSinkReopen: after the alerts file is renamed (as logrotate
// does) and the sink reopened, new alerts go to a new file at the path
// and the renamed one keeps the earlier ones; every alert still reaches
// the registry.
func TestAlertSinkReopen(t *testing.T) {
	db := registrytest.Open(t)
	m := publishModel(t, db, "dga", 3)
	dir := t.TempDir()
	path := filepath.Join(dir, "alerts.jsonl")
	sink, err := NewAlertSink(db, "scorer-1", path, quiet)
	if err != nil {
		t.Fatal(err)
	}
	alert := func(input string) []registry.Alert {
		return []registry.Alert{{SeenAt: time.Now(), Source: "http", ClientIP: "10.0.0.1", Input: input, Score: 0.9, Threshold: 0.5,
			ModelID: m.ID, Model: m.Name, Version: m.Version, SHA256: m.SHA256}}
	}
	lines := func(p string) []string {
		t.Helper()
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSpace(string(b)), "\n")
	}
	sink.Add(context.Background(), alert("before.example"))
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(strings.Join(lines(path), ""), "before.example"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first alert was not written within 20s")
		}
	}
	rotated := path + ".1"
	if err := os.Rename(path, rotated); err != nil {
		t.Fatal(err)
	}
	if err := sink.Reopen(); err != nil {
		t.Fatal(err)
	}
	sink.Add(context.Background(), alert("after.example"))
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if old := lines(rotated); len(old) != 1 || !strings.Contains(old[0], `"input":"before.example"`) {
		t.Fatalf("the rotated file holds %q, want the first alert only", old)
	}
	if cur := lines(path); len(cur) != 1 || !strings.Contains(cur[0], `"input":"after.example"`) {
		t.Fatalf("the file at the path holds %q, want the second alert only", cur)
	}
	if err := sink.Reopen(); err != nil {
		t.Fatalf("Reopen after Close: %v", err)
	}
	stored, err := db.Alerts(context.Background(), 10)
	if err != nil || len(stored) != 2 {
		t.Fatalf("%d alerts stored, want 2: %v", len(stored), err)
	}
}
