package registry_test

import (
	"context"
	"errors"
	"net"
	"net/url"
	"testing"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestConnectDoesNotNeedTheServer: Connect makes a pool for a closed port
// without an error; Ping then fails with an error Unreachable recognises,
// while a server that answers with a refusal (a missing database) is not
// unreachable.
func TestConnectDoesNotNeedTheServer(t *testing.T) {
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	db, err := registry.Connect("postgres://postgres@" + closed + "/mlctl?sslmode=disable")
	if err != nil {
		t.Fatalf("connect to a closed port: %v", err)
	}
	defer db.Close()
	err = db.Ping(ctx)
	if err == nil || !registry.Unreachable(err) {
		t.Fatalf("ping of a closed port: %v, unreachable %v", err, registry.Unreachable(err))
	}
	if _, err := db.Migrate(ctx); !registry.Unreachable(err) {
		t.Fatalf("migrate on a closed port: %v is not unreachable", err)
	}
	if _, err := registry.Open(ctx, "postgres://postgres@"+closed+"/mlctl?sslmode=disable"); err == nil {
		t.Fatal("Open of a closed port succeeded")
	}

	u, err := url.Parse(registrytest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/mlctl_no_such_database"
	missing, err := registry.Connect(u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer missing.Close()
	if err := missing.Ping(ctx); err == nil || registry.Unreachable(err) {
		t.Fatalf("ping of a missing database: %v, unreachable %v (want an answer that is not unreachable)", err, registry.Unreachable(err))
	}
	for _, err := range []error{nil, errors.New("apply migration 7: syntax error")} {
		if registry.Unreachable(err) {
			t.Fatalf("Unreachable(%v) = true", err)
		}
	}
}
