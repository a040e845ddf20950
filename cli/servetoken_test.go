package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/serving"
)

// runMlctl runs mlctl with args as Main does (flags after arguments too).
func runMlctl(stdout, stderr io.Writer, args ...string) error {
	app := App(stdout, stderr)
	return app.Run(interspersed(app, append([]string{"mlctl"}, args...)))
}

// TestServeToken: `serve token NAME --json` prints a fresh token once
// and the token file line holding its SHA-256 (never the token), with
// its scopes; --file appends the line (mode 0600) and refuses a name the
// file holds; without --json the token alone is on stdout.
func TestServeToken(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	var out, errOut bytes.Buffer
	if err := runMlctl(&out, &errOut, "serve", "token", "prometheus", "--scope", "metrics", "--json", "--file", file); err != nil {
		t.Fatal(err)
	}
	var got struct{ Name, Token, SHA256, Scopes, Line, File string }
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	sum := sha256.Sum256([]byte(got.Token))
	if got.Name != "prometheus" || !strings.HasPrefix(got.Token, serving.TokenPrefix) || got.SHA256 != hex.EncodeToString(sum[:]) ||
		got.Scopes != "metrics" || got.Line != "prometheus sha256:"+got.SHA256+" metrics" || got.File != file {
		t.Fatalf("serve token --json: %+v", got)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != got.Line+"\n" || strings.Contains(string(b), got.Token) {
		t.Fatalf("token file %q", b)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v", fi.Mode().Perm())
	}

	out.Reset()
	errOut.Reset()
	if err := runMlctl(&out, &errOut, "serve", "token", "app", "--file", file); err != nil {
		t.Fatal(err)
	}
	app := strings.TrimSpace(out.String())
	if strings.Contains(app, "\n") || !strings.Contains(errOut.String(), "appended token app to "+file) {
		t.Fatalf("stdout %q, stderr %q", out.String(), errOut.String())
	}
	tokens, err := serving.LoadTokens(file)
	if err != nil {
		t.Fatal(err)
	}
	if name, scopes, ok := tokens.Lookup(app); !ok || name != "app" || scopes != serving.ScopeAll {
		t.Errorf("the app token: %q %v %v", name, scopes, ok)
	}
	if name, _, ok := tokens.Lookup(got.Token); !ok || name != "prometheus" {
		t.Errorf("the prometheus token: %q %v", name, ok)
	}

	out.Reset()
	errOut.Reset()
	if err := runMlctl(&out, &errOut, "serve", "token", "ci"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "add this line to the scorer's --http-tokens file") || !strings.Contains(errOut.String(), "\nci sha256:") {
		t.Errorf("without --file: stderr %q", errOut.String())
	}

	for _, args := range [][]string{
		{"app", "--file", file},   // a name the file holds
		{"bad name"},              // not a name
		{"x", "--scope", "admin"}, // not a scope
		{},                        // no name
	} {
		err := runMlctl(io.Discard, io.Discard, append([]string{"serve", "token"}, args...)...)
		if exitStatus(err) != 2 {
			t.Errorf("serve token %q: %v, want a usage error", args, err)
		}
	}
}

// syncBuffer is a bytes.Buffer that a scorer writes its log to while a
// test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeBeyondLoopback: `mlctl serve --http 0.0.0.0:0` without
// authentication is a usage error (exit 2), as are a token file that
// does not parse and TLS flags that do not go together; with a token
// file the scorer starts, says how it authenticates in its start log,
// and its /metrics needs the token.
func TestServeBeyondLoopback(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("prometheus mlctl_thetoken\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--http", "0.0.0.0:0"}, "listens beyond loopback without authentication"},
		{[]string{"--http", ":8080"}, "--http-insecure"},
		{[]string{"--http", "0.0.0.0:0", "--http-tokens", filepath.Join(dir, "none")}, "no such file"},
		{[]string{"--http", "0.0.0.0:0", "--http-tokens", bad}, bad + ":1: token prometheus: want sha256:HEX"},
		{[]string{"--http", "127.0.0.1:0", "--tls-cert", "c.pem"}, "--tls-cert and --tls-key go together"},
		{[]string{"--http", "127.0.0.1:0", "--tls-client-name", "x"}, "give --tls-client-ca too"},
		{[]string{"--zeek-dns", "dns.log", "--http-tokens", bad}, "give --http ADDR too"},
	} {
		err := App(io.Discard, io.Discard).Run(append([]string{"mlctl", "--db", "postgres://127.0.0.1:1/none", "serve", "--state-dir", dir}, tc.args...))
		if exitStatus(err) != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("serve %q: %v (exit %d), want exit 2 saying %q", tc.args, err, exitStatus(err), tc.want)
		}
	}

	url := registrytest.NewDatabase(t)
	tokens := filepath.Join(dir, "tokens")
	var out bytes.Buffer
	if err := runMlctl(&out, io.Discard, "serve", "token", "prometheus", "--scope", "metrics", "--file", tokens); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(out.String())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var log syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- App(io.Discard, &log).RunContext(ctx, []string{"mlctl", "--db", url, "serve", "--http", "0.0.0.0:0", "--http-tokens", tokens,
			"--state-dir", filepath.Join(dir, "state"), "--json"})
	}()
	var started struct{ HTTP, HTTPAuth string }
	deadline := time.Now().Add(20 * time.Second)
	for started.HTTP == "" {
		select {
		case err := <-done:
			t.Fatalf("serve with a token file beyond loopback: %v\n%s", err, log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no start log after 20 s:\n%s", log.String())
		}
		for _, line := range strings.Split(log.String(), "\n") {
			var l struct {
				Msg      string
				HTTP     string `json:"http"`
				HTTPAuth string `json:"http_auth"`
			}
			if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "scorer started" {
				started.HTTP, started.HTTPAuth = l.HTTP, l.HTTPAuth
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if started.HTTPAuth != "bearer tokens (1); health paths open" {
		t.Errorf("start log http_auth %q", started.HTTPAuth)
	}
	metrics := "http://127.0.0.1" + started.HTTP[strings.LastIndex(started.HTTP, ":"):] + "/metrics"
	get := func(token string) int {
		req, _ := http.NewRequest("GET", metrics, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(""); code != 401 {
		t.Errorf("/metrics without a token: %d", code)
	}
	if code := get(token); code != 200 {
		t.Errorf("/metrics with the token: %d", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// recordedReloads counts what reloadOnSignal asked of a scorer.
type recordedReloads struct {
	mu              sync.Mutex
	reopens, reauth int
}

func (r *recordedReloads) ReopenAlerts() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reopens++
	return nil
}

func (r *recordedReloads) ReloadHTTPAuth() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reauth++
	return nil
}

func (r *recordedReloads) counts() (int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reopens, r.reauth
}

// TestReloadOnSignal: SIGHUP reopens the alerts file and reloads the
// HTTP credentials; SIGUSR1 only reopens the alerts file.
func TestReloadOnSignal(t *testing.T) {
	r := &recordedReloads{}
	stop := reloadOnSignal(r)
	defer stop()
	wait := func(reopens, reauth int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			o, a := r.counts()
			if o == reopens && a == reauth {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("reopens %d reloads %d, want %d %d", o, a, reopens, reauth)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	wait(1, 1)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	wait(2, 1)
}
