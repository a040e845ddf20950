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
	"github.com/mlctl/mlctl/temporalenv"
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

// temporalConfig resolves the Temporal connection as operators configure
// Temporal clients (a TOML profile, TEMPORAL_* variables; see package
// temporalenv), with --temporal and --namespace on top when given.
func temporalConfig(c *ucli.Context) (temporalenv.Config, error) {
	s := temporalenv.Settings{Profile: c.String("temporal-profile")}
	if c.IsSet("temporal") {
		s.Address = c.String("temporal")
	}
	if c.IsSet("namespace") {
		s.Namespace = c.String("namespace")
	}
	return temporalenv.Load(s)
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

// dialTemporalWith connects to the Temporal frontend that temporalConfig
// resolves, with opts' logger and metrics handler.
func dialTemporalWith(c *ucli.Context, opts client.Options) (client.Client, error) {
	cfg, err := temporalConfig(c)
	if err != nil {
		return nil, err
	}
	return cfg.DialWith(c.Context, opts)
}

// temporalTarget is the resolved connection for messages (the web UI
// link, the worker's banner), called after dialTemporal succeeded with the
// same settings; should they fail to load now, it falls back to the flags.
func temporalTarget(c *ucli.Context) temporalenv.Config {
	cfg, err := temporalConfig(c)
	if err != nil {
		return temporalenv.Config{Address: c.String("temporal"), Namespace: c.String("namespace")}
	}
	return cfg
}

// uiURL is the web UI address of a workflow run: under $MLCTL_TEMPORAL_UI,
// else the dev server's default http://127.0.0.1:8233.
func uiURL(c *ucli.Context, workflowID string) string {
	base := os.Getenv("MLCTL_TEMPORAL_UI")
	if base == "" {
		base = "http://127.0.0.1:8233"
	}
	return fmt.Sprintf("%s/namespaces/%s/workflows/%s", strings.TrimRight(base, "/"), temporalTarget(c).Namespace, workflowID)
}
