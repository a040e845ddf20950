package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/published/publishedtest"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestServeHealth: `serve health` against a real scorer exits non-zero
// with the scorer's 503 before its alias points at a model, and 0 with
// the model once `promote` has moved the alias; nothing listening and a
// bad --url are errors too.
func TestServeHealth(t *testing.T) {
	url := registrytest.NewDatabase(t)
	db := registrytest.OpenURL(t, url)
	m := publishedtest.Publish(t, db, "dga", publishedtest.NameModel(t, 3, 400, 5, false), 0.5)

	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	var serveErr bytes.Buffer
	go func() {
		served <- App(&bytes.Buffer{}, &serveErr).RunContext(ctx, []string{"mlctl", "--db", url, "serve", "--alias", "production",
			"--http", addr, "--state-dir", t.TempDir(), "--heartbeat", "200ms"})
	}()
	defer func() {
		cancel()
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("serve: %v\n%s", err, serveErr.String())
			}
		case <-time.After(60 * time.Second):
			t.Error("serve did not stop")
		}
	}()

	health := func(args ...string) (healthLine, error) {
		var out, errOut bytes.Buffer
		err := App(&out, &errOut).Run(append([]string{"mlctl", "serve", "health", "--json", "--url", "http://" + addr + "/healthz"}, args...))
		var line healthLine
		if jerr := json.Unmarshal(out.Bytes(), &line); jerr != nil {
			t.Fatalf("serve health --json printed %q: %v (stderr %q)", out.String(), jerr, errOut.String())
		}
		return line, err
	}
	// Wait for the scorer to listen: until then the probe reports the
	// refused connection with status 0.
	line, err := waitHealth(t, health, func(l healthLine) bool { return l.Status != 0 })
	if err == nil || line.Healthy || line.Status != 503 || !strings.Contains(string(line.Health), "no model loaded yet") {
		t.Fatalf("before the alias is set: %+v, err %v; want 503 \"no model loaded yet\" and an error", line, err)
	}

	if _, err := db.SetAlias(context.Background(), registry.MoveAlias{Alias: "production", ModelID: m.ID, Action: "promote", By: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := db.NotifyAlias(context.Background(), "production"); err != nil {
		t.Fatal(err)
	}
	line, err = waitHealth(t, health, func(l healthLine) bool { return l.Healthy })
	if err != nil || line.Status != 200 {
		t.Fatalf("after the alias is set: %+v, err %v", line, err)
	}
	var h struct {
		Model   string `json:"model"`
		Version int    `json:"version"`
		SHA256  string `json:"sha256"`
	}
	if err := json.Unmarshal(line.Health, &h); err != nil || h.Model != "dga" || h.Version != 1 || h.SHA256 != m.SHA256 {
		t.Errorf("health %s (%v), want dga@1 sha256 %s", line.Health, err, m.SHA256)
	}

	// Nothing listening: an error saying so, within --timeout.
	var out, errOut bytes.Buffer
	err = App(&out, &errOut).Run([]string{"mlctl", "serve", "health", "--url", "http://" + freeAddr(t) + "/healthz", "--timeout", "2s"})
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("nothing listening: %v, want connection refused", err)
	}
	err = App(&out, &errOut).Run([]string{"mlctl", "serve", "health", "--url", "127.0.0.1:8080"})
	if _, ok := err.(*usageError); !ok {
		t.Errorf("--url without a scheme: %v, want a usage error", err)
	}
}

// waitHealth runs health until done says its answer is the one awaited,
// for at most 30 s.
func waitHealth(t *testing.T, health func(...string) (healthLine, error), done func(healthLine) bool) (healthLine, error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		line, err := health()
		if done(line) || time.Now().After(deadline) {
			return line, err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freeAddr is a loopback address with a port nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
