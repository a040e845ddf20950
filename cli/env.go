package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/mlctl/mlctl"

	ucli "github.com/urfave/cli/v2"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"

	"github.com/mlctl/mlctl/registry"
)

// openDB connects to the registry named by --db / MLCTL_DATABASE_URL. The
// binary reads only its flags and environment: for the dev stack, `make up`
// writes the settings to .dev/env and `. .dev/env` exports them.
func openDB(c *ucli.Context) (*registry.DB, error) {
	url := c.String("db")
	if url == "" {
		return nil, mlctl.Errorf(mlctl.EINVALID, "no database: set MLCTL_DATABASE_URL or --db (for the dev stack: `make up`, then `. .dev/env`)")
	}
	return registry.Open(c.Context, url)
}

// connectDB is openDB without waiting for an answer: the pool connects at
// its first query (see registry.Connect). A malformed URL is an error.
func connectDB(c *ucli.Context) (*registry.DB, error) {
	url := c.String("db")
	if url == "" {
		return nil, mlctl.Errorf(mlctl.EINVALID, "no database: set MLCTL_DATABASE_URL or --db (for the dev stack: `make up`, then `. .dev/env`)")
	}
	return registry.Connect(url)
}

// dialTemporal connects to the Temporal frontend; the SDK's logs at or
// above level (or --log-level, when given) go to w in --log-format.
func dialTemporal(c *ucli.Context, w io.Writer, level slog.Level) (client.Client, error) {
	l, err := loggingOf(c)
	if err != nil {
		return nil, err
	}
	return dialTemporalWith(c, client.Options{Logger: log.NewStructuredLogger(l.sdkLogger(w, level))})
}

// dialTemporalWith connects to the Temporal frontend named by --temporal
// and --namespace with opts (its logger, metrics handler).
func dialTemporalWith(c *ucli.Context, opts client.Options) (client.Client, error) {
	addr := c.String("temporal")
	opts.HostPort, opts.Namespace = addr, c.String("namespace")
	tc, err := client.DialContext(c.Context, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s: %w (is it running? `make up` starts a dev server)", addr, err)
	}
	return tc, nil
}

// uiURL is the web UI address of a workflow run: under $MLCTL_TEMPORAL_UI,
// else the dev server's default http://127.0.0.1:8233.
func uiURL(c *ucli.Context, workflowID string) string {
	base := os.Getenv("MLCTL_TEMPORAL_UI")
	if base == "" {
		base = "http://127.0.0.1:8233"
	}
	return fmt.Sprintf("%s/namespaces/%s/workflows/%s", strings.TrimRight(base, "/"), c.String("namespace"), workflowID)
}
