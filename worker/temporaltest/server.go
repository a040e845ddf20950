// Package temporaltest starts a real Temporal dev server (the CLI binary in
// bin/, built by `make tools`) for tests; nothing is downloaded.
package temporaltest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/workflows"
)

// Binary returns the path of bin/temporal, failing the test with how to build it.
func Binary(tb testing.TB) string {
	tb.Helper()
	root, err := registrytest.RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(root, "bin", "temporal")
	if _, err := os.Stat(path); err != nil {
		tb.Fatalf("Temporal CLI not found at %s: build it with `make tools` (GOBIN=$PWD/bin go install github.com/temporalio/cli/cmd/temporal@v1.5.1)", path)
	}
	return path
}

// Start runs a fresh in-memory dev server with mlctl's search attributes
// registered and returns it; it stops when the test ends.
func Start(tb testing.TB) *testsuite.DevServer {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out io.Writer = io.Discard
	if testing.Verbose() {
		out = os.Stderr
	}
	srv, err := StartServer(ctx, Binary(tb), out)
	if err != nil {
		tb.Fatalf("start Temporal dev server: %v", err)
	}
	tb.Cleanup(func() { srv.Stop() })
	return srv
}

// StartServer runs a fresh in-memory dev server from the Temporal CLI at
// path, with mlctl's search attributes registered (also for benchmarks,
// which must not share the dev stack's server with its workers). The
// server's output and the SDK's own messages about starting it go to out
// (the SDK's default logger would print them on stdout, amid a
// benchmark's report).
func StartServer(ctx context.Context, path string, out io.Writer) (*testsuite.DevServer, error) {
	return testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  path,
		ClientOptions: &client.Options{Namespace: "default", Logger: log.NewStructuredLogger(slog.New(slog.NewTextHandler(out, nil)))},
		LogLevel:      "error",
		SearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(workflows.SearchModel).ValueSet(""),
			temporal.NewSearchAttributeKeyKeyword(workflows.SearchAlgo).ValueSet(""),
			temporal.NewSearchAttributeKeyKeyword(workflows.SearchDataset).ValueSet(""),
			temporal.NewSearchAttributeKeyKeyword(workflows.SearchAlias).ValueSet(""),
		),
		Stdout: out,
		Stderr: out,
	})
}
