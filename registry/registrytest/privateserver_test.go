package registrytest

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestPrivateServerStopStart: a private server accepts connections, refuses
// them while stopped, and after a start (and after a crash and a start)
// serves the same data on the same port.
func TestPrivateServerStopStart(t *testing.T) {
	srv := StartPrivateServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	url := srv.NewDatabase("outage")

	c := mustConnect(t, ctx, url)
	if _, err := c.Exec(ctx, `CREATE TABLE t (v int); INSERT INTO t VALUES (1), (2), (3)`); err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)

	port := srv.Port()
	srv.Stop()
	if c, err := pgx.Connect(ctx, url); err == nil {
		c.Close(ctx)
		t.Fatal("connected to a stopped server")
	}
	srv.Start()
	if srv.Port() != port {
		t.Fatalf("port %d after a restart, want %d", srv.Port(), port)
	}
	c = mustConnect(t, ctx, url)
	if _, err := c.Exec(ctx, `INSERT INTO t VALUES (4)`); err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)

	// A crash (no checkpoint) keeps what was committed.
	srv.Crash()
	if c, err := pgx.Connect(ctx, url); err == nil {
		c.Close(ctx)
		t.Fatal("connected to a crashed server")
	}
	srv.Start()
	c = mustConnect(t, ctx, url)
	defer c.Close(ctx)
	var n, sum int
	if err := c.QueryRow(ctx, `SELECT count(*), sum(v) FROM t`).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 4 || sum != 10 {
		t.Fatalf("after stop, start, crash and start: %d rows summing to %d, want 4 rows summing to 10", n, sum)
	}
}

func mustConnect(t *testing.T, ctx context.Context, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect to the started server: %v", err)
	}
	return c
}
