package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	ucli "github.com/urfave/cli/v2"
)

// serveHealthCommand is `mlctl serve health`: the scorer's GET /healthz as
// an exit status, for container healthchecks in an image without a shell
// or curl (compose's `test: ["CMD", "/mlctl", "serve", "health"]`).
func serveHealthCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "health",
		Usage: "ask a scorer's GET /healthz: exit 0 when it serves a model (200), 1 otherwise (for container healthchecks)",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "url", Value: "http://127.0.0.1:8080/healthz", Usage: "the scorer's health URL (its --http address and /healthz)"},
			&ucli.DurationFlag{Name: "timeout", Value: 3 * time.Second, Usage: "how long to wait for the answer"},
			&ucli.BoolFlag{Name: "json", Usage: "print {\"url\",\"status\",\"healthy\",\"health\"} (health: the scorer's answer)"},
		},
		Action: serveHealth,
	}
}

// healthLine is what `serve health --json` prints.
type healthLine struct {
	URL     string          `json:"url"`
	Status  int             `json:"status"`
	Healthy bool            `json:"healthy"`
	Health  json.RawMessage `json:"health,omitempty"`
	Error   string          `json:"error,omitempty"`
}

func serveHealth(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("serve health: unknown argument %q", c.Args().First())
	}
	u, err := url.Parse(c.String("url"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("serve health: --url %q: want http://HOST:PORT/healthz", c.String("url"))
	}
	if c.Duration("timeout") <= 0 {
		return usagef("serve health: --timeout %v: want a positive duration", c.Duration("timeout"))
	}
	line := probeHealth(c.Context, u.String(), c.Duration("timeout"))
	if c.Bool("json") {
		if err := printJSON(c.App.Writer, line); err != nil {
			return err
		}
	} else if line.Healthy {
		fmt.Fprintf(c.App.Writer, "healthy: %s\n", line.Health)
	}
	if !line.Healthy {
		if line.Error != "" {
			return fmt.Errorf("serve health: %s: %s", line.URL, line.Error)
		}
		return fmt.Errorf("serve health: %s: %d %s", line.URL, line.Status, line.Health)
	}
	return nil
}

// probeHealth GETs the health URL directly (no proxy from the environment:
// the scorer is beside the probe) and reads at most 64 KiB of its answer.
func probeHealth(ctx context.Context, target string, timeout time.Duration) healthLine {
	line := healthLine{URL: target}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		line.Error = err.Error()
		return line
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		line.Error = err.Error()
		return line
	}
	defer resp.Body.Close()
	line.Status = resp.StatusCode
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		line.Error = fmt.Sprintf("read the answer: %v", err)
		return line
	}
	if json.Valid(body) {
		line.Health = json.RawMessage(body)
	} else if len(body) > 0 {
		line.Health, _ = json.Marshal(string(body))
	}
	line.Healthy = resp.StatusCode == http.StatusOK
	return line
}
