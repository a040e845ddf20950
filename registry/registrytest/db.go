// Package registrytest gives tests a fresh, migrated registry database on the
// real PostgreSQL server of the dev stack.
package registrytest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mlctl/mlctl/deploy/devenv"
	"github.com/mlctl/mlctl/registry"
)

// ServerURL returns the connection string of the dev stack's database:
// MLCTL_DATABASE_URL, else the one `make up` wrote to .dev/env.
func ServerURL() string {
	if u := os.Getenv("MLCTL_DATABASE_URL"); u != "" {
		return u
	}
	if root, err := RepoRoot(); err == nil {
		if u := devenv.Lookup(root, "MLCTL_DATABASE_URL"); u != "" {
			return u
		}
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// RepoRoot finds the module root (the directory holding go.mod).
func RepoRoot() (string, error) { return devenv.RepoRoot() }

// NewDatabase creates an empty database on the dev server and returns its
// URL; it is dropped when the test ends.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	server := ServerURL()
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		tb.Fatalf("PostgreSQL is not reachable at %s: %v\nstart it with `make up` (or set MLCTL_DATABASE_URL)", redact(server), err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("mlctl_test_%d_%d", time.Now().Unix(), rand.Uint32())
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, server)
		if err != nil {
			return
		}
		defer c.Close(ctx)
		c.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	})
	u, err := url.Parse(server)
	if err != nil {
		tb.Fatalf("parse %s: %v", redact(server), err)
	}
	u.Path = "/" + name
	return u.String()
}

// Open returns a fresh, migrated registry that is closed and dropped when
// the test ends.
func Open(tb testing.TB) *registry.DB {
	tb.Helper()
	return OpenURL(tb, NewDatabase(tb))
}

// OpenURL opens the registry database at url and migrates it; it is
// closed when the test ends.
func OpenURL(tb testing.TB, url string) *registry.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := registry.Open(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(db.Close)
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return db
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	u.User = url.User(u.User.Username())
	return u.String()
}
