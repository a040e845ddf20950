package serving

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestRegistryLinkMigratesWhenTheRegistryAnswers: a scorer that started
// without the registry migrates it when it answers, before Ready; a
// registry that answers but whose migration fails is an error a start
// must stop on, and the link stays not ready, saying why.
func TestRegistryLinkMigratesWhenTheRegistryAnswers(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url := registrytest.NewDatabase(t) // empty: never migrated
	proxy := cutProxy(t, url)
	db, err := registry.Connect(proxy.URL(t, url))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	down := StartRegistry(ctx, db)
	if !registry.Unreachable(down) {
		t.Fatalf("StartRegistry with the registry cut off: %v, want unreachable", down)
	}
	var log logBuffer
	link := newRegistryLink(db, slog.New(slog.NewTextHandler(&log, nil)), down, 20*time.Millisecond)
	go link.Run(ctx)
	time.Sleep(100 * time.Millisecond)
	if up, why, _ := link.State(); up || why == "" || link.isReady() {
		t.Fatalf("link with the registry cut off: up %v, why %q, ready %v", up, why, link.isReady())
	}
	proxy.Restore()
	select {
	case <-link.Ready():
	case <-time.After(10 * time.Second):
		t.Fatalf("link not ready 10 s after the registry answered:\n%s", log.String())
	}
	if up, why, _ := link.State(); !up || why != "" {
		t.Fatalf("ready link: up %v, why %q", up, why)
	}
	if _, err := db.GetAlias(ctx, "production"); err == nil || strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("read an alias after the link migrated: %v, want not found (the tables exist)", err)
	}

	// A registry that answers but cannot be migrated (a table in the way).
	broken, err := registry.Open(ctx, registrytest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer broken.Close()
	if _, err := broken.Pool().Exec(ctx, `CREATE TABLE datasets (x int)`); err != nil {
		t.Fatal(err)
	}
	err = StartRegistry(ctx, broken)
	if err == nil || registry.Unreachable(err) || !strings.Contains(err.Error(), "migration") {
		t.Fatalf("StartRegistry on a registry whose migration fails: %v, want an error that is not unreachable", err)
	}
	var stuckLog logBuffer
	stuck := newRegistryLink(broken, slog.New(slog.NewTextHandler(&stuckLog, nil)), down, 20*time.Millisecond)
	go stuck.Run(ctx)
	time.Sleep(200 * time.Millisecond)
	if up, why, _ := stuck.State(); up || !strings.Contains(why, "migration") || stuck.isReady() {
		t.Fatalf("link on a registry whose migration fails: up %v, why %q, ready %v", up, why, stuck.isReady())
	}
	if n := strings.Count(stuckLog.String(), "cannot be readied"); n != 1 {
		t.Fatalf("the migration failure is logged %d times, want once:\n%s", n, stuckLog.String())
	}
}
