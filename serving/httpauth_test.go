package serving

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// servedRegistry is a real registry whose production alias points at a
// name model, for scorers to serve.
func servedRegistry(t *testing.T) *registry.DB {
	t.Helper()
	db := registrytest.Open(t)
	pub := publishModel(t, db, "dga", 3)
	if _, err := db.SetAlias(context.Background(), registry.MoveAlias{Alias: "production", ModelID: pub.ID, Action: mlctl.ActionPromote, By: "t"}); err != nil {
		t.Fatal(err)
	}
	return db
}

// startSecured runs a scorer of db's production alias with an HTTP API
// at addr secured by sec, and waits until the model is in service; it
// stops with the test.
func startSecured(t *testing.T, db *registry.DB, addr string, sec HTTPSecurity) *Server {
	t.Helper()
	srv, err := NewServer(db, Config{Alias: "production", HTTPAddr: addr, HTTPSecurity: sec, Heartbeat: time.Second}, quiet, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for srv.Holder().Get() == nil {
		if time.Now().After(deadline) {
			t.Fatal("no model in service after 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return srv
}

// answer is an HTTP answer: status, WWW-Authenticate and body.
type answer struct {
	code      int
	challenge string
	body      string
}

// call sends method url with an Authorization of "Bearer token" (none
// when token is ""), or auth itself when it has a space.
func call(t *testing.T, c *http.Client, method, url, token string) answer {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(`{"names":["example.com","xjwqkzpvbnq.com"]}`)
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case strings.Contains(token, " "):
		req.Header.Set("Authorization", token)
	case token != "":
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header.Get("WWW-Authenticate"), string(b)}
}

// wantRefused checks a refusal: its status and a JSON {"error"} saying want.
func wantRefused(t *testing.T, what string, a answer, code int, want string) {
	t.Helper()
	var e struct{ Error string }
	if a.code != code || json.Unmarshal([]byte(a.body), &e) != nil || !strings.Contains(e.Error, want) {
		t.Errorf("%s: %d %s, want %d and a JSON error saying %q", what, a.code, a.body, code, want)
	}
}

// metricValue is the value of the sample line that begins with series in
// a scrape ("" when none).
func metricValue(scrape, series string) string {
	for _, line := range strings.Split(scrape, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v
		}
	}
	return ""
}

// TestTokensOnTheHTTPAPI runs a scorer whose API takes the tokens of a
// token file (one with every scope, one for /metrics alone): without a
// token, with an unknown one or a malformed header it answers 401 JSON
// with a Bearer challenge; the good token scores; /healthz stays open;
// /metrics needs a token with scope metrics, which cannot score (403).
// A token removed from the file is refused once the file is reloaded
// (SIGHUP); a file that does not parse on reload is logged with its line
// and the tokens in use stay. The refusals are counted on /metrics.
func TestTokensOnTheHTTPAPI(t *testing.T) {
	db := servedRegistry(t)
	app, _ := NewToken()
	prom, _ := NewToken()
	file := filepath.Join(t.TempDir(), "tokens")
	good := "# scorer clients\n" + TokenLine("app", app, ScopeAll) + "\n" + TokenLine("prometheus", prom, ScopeMetrics) + "  # scraper\n"
	if err := os.WriteFile(file, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startSecured(t, db, "127.0.0.1:0", HTTPSecurity{Tokens: file})
	base := "http://" + srv.Addr()
	c := &http.Client{Timeout: 10 * time.Second}
	score := base + "/v1/score"

	a := call(t, c, "POST", score, "")
	wantRefused(t, "no token", a, 401, "a bearer token is needed")
	if a.challenge != `Bearer realm="mlctl"` {
		t.Errorf("no token: WWW-Authenticate %q", a.challenge)
	}
	a = call(t, c, "POST", score, app+"x")
	wantRefused(t, "unknown token", a, 401, "unknown or revoked token")
	if !strings.Contains(a.challenge, `error="invalid_token"`) {
		t.Errorf("unknown token: WWW-Authenticate %q", a.challenge)
	}
	wantRefused(t, "Basic credentials", call(t, c, "POST", score, "Basic YXBwOnB3"), 401, "Bearer TOKEN")
	if a := call(t, c, "POST", score, app); a.code != 200 || !strings.Contains(a.body, `"results":[{"input":"example.com","score":`) {
		t.Errorf("good token: %d %s", a.code, a.body)
	}
	if a := call(t, c, "POST", score, "bearer  "+app); a.code != 200 {
		t.Errorf("scheme in lower case: %d %s", a.code, a.body)
	}
	if a := call(t, c, "GET", base+"/healthz", ""); a.code != 200 || !strings.Contains(a.body, `"model":"dga"`) {
		t.Errorf("/healthz without a token: %d %s", a.code, a.body)
	}
	wantRefused(t, "/metrics without a token", call(t, c, "GET", base+"/metrics", ""), 401, "bearer token")
	a = call(t, c, "POST", score, prom)
	wantRefused(t, "the metrics token on /v1/score", a, 403, "token prometheus may not reach /v1/score: it needs scope score")
	if !strings.Contains(a.challenge, `error="insufficient_scope", scope="score"`) {
		t.Errorf("the metrics token on /v1/score: WWW-Authenticate %q", a.challenge)
	}
	m := call(t, c, "GET", base+"/metrics", prom)
	if m.code != 200 {
		t.Fatalf("/metrics with the metrics token: %d %s", m.code, m.body)
	}
	for series, want := range map[string]string{
		`mlctl_http_auth_failures_total{reason="missing"}`:       "2",
		`mlctl_http_auth_failures_total{reason="unknown_token"}`: "1",
		`mlctl_http_auth_failures_total{reason="malformed"}`:     "1",
		`mlctl_http_auth_failures_total{reason="scope"}`:         "1",
		`mlctl_http_tokens`: "2",
	} {
		if got := metricValue(m.body, series); got != want {
			t.Errorf("%s = %q, want %s", series, got, want)
		}
	}

	// The app token is revoked: its line removed, then SIGHUP.
	if err := os.WriteFile(file, []byte(TokenLine("prometheus", prom, ScopeMetrics)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if a := call(t, c, "POST", score, app); a.code != 200 {
		t.Errorf("before the reload the app token still scores: %d", a.code)
	}
	if err := srv.ReloadHTTPAuth(); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, "the revoked token", call(t, c, "POST", score, app), 401, "unknown or revoked token")
	if a := call(t, c, "GET", base+"/metrics", prom); a.code != 200 {
		t.Errorf("the metrics token after the reload: %d", a.code)
	}

	// A file that does not parse: the tokens in use stay.
	bad := TokenLine("prometheus", prom, ScopeMetrics) + "\n" + TokenLine("app", app, ScopeAll) + "\nci sha256:nothex\n"
	if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	err := srv.ReloadHTTPAuth()
	if err == nil || !strings.Contains(err.Error(), file+":3: token ci: sha256:nothex is not 64 hex digits") {
		t.Fatalf("reloading a malformed file: %v, want its file:line", err)
	}
	wantRefused(t, "the app token after a failed reload", call(t, c, "POST", score, app), 401, "unknown or revoked token")
	m = call(t, c, "GET", base+"/metrics", prom)
	if m.code != 200 {
		t.Fatalf("the metrics token after a failed reload: %d", m.code)
	}
	if got := metricValue(m.body, `mlctl_http_auth_reload_failures_total{file="tokens"}`); got != "1" {
		t.Errorf("reload failures %q, want 1", got)
	}
	if got := metricValue(m.body, `mlctl_http_tokens`); got != "1" {
		t.Errorf("tokens in use %q, want 1", got)
	}
}

// TestHealthAuth: with --http-health-auth, /healthz needs a token with
// scope health too; a score-only token cannot reach it.
func TestHealthAuth(t *testing.T) {
	db := servedRegistry(t)
	health, _ := NewToken()
	scorer, _ := NewToken()
	file := filepath.Join(t.TempDir(), "tokens")
	os.WriteFile(file, []byte(TokenLine("probe", health, ScopeHealth)+"\n"+TokenLine("scorer", scorer, ScopeScore)+"\n"), 0o600)
	srv := startSecured(t, db, "127.0.0.1:0", HTTPSecurity{Tokens: file, HealthAuth: true})
	c := &http.Client{Timeout: 10 * time.Second}
	base := "http://" + srv.Addr()
	wantRefused(t, "/healthz without a token", call(t, c, "GET", base+"/healthz", ""), 401, "bearer token")
	wantRefused(t, "/healthz with a score token", call(t, c, "GET", base+"/healthz", scorer), 403, "needs scope health")
	if a := call(t, c, "GET", base+"/healthz", health); a.code != 200 {
		t.Errorf("/healthz with the health token: %d %s", a.code, a.body)
	}
	wantRefused(t, "/v1/score with the health token", call(t, c, "POST", base+"/v1/score", health), 403, "needs scope score")
	wantRefused(t, "/metrics with the score token", call(t, c, "GET", base+"/metrics", scorer), 403, "needs scope metrics")
}

// TestClientCertificates serves HTTPS with --tls-client-ca: a request
// without a client certificate is refused (401 JSON; /healthz open), one
// with a certificate the CA signed scores, one from another CA fails its
// handshake; --tls-client-name lets in only the names given (403 for
// another); beside tokens, a token is enough without a certificate; and
// with --http-health-auth and no tokens, the handshake itself needs a
// certificate.
func TestClientCertificates(t *testing.T) {
	db := servedRegistry(t)
	dir := t.TempDir()
	ca, other := newTestCA(t, "mlctl test CA"), newTestCA(t, "someone else's CA")
	cert, key := ca.issue(t, "scorer", true, time.Now().Add(time.Hour))
	now := time.Now()
	sec := HTTPSecurity{TLSCert: writeFile(t, dir, "cert.pem", cert, now), TLSKey: writeFile(t, dir, "key.pem", key, now),
		TLSClientCA: writeFile(t, dir, "ca.pem", ca.pem, now)}
	srv := startSecured(t, db, "127.0.0.1:0", sec)
	base := "https://" + srv.Addr()
	anon, scanner := tlsClient(ca), tlsClient(ca, ca.clientCert(t, "scanner"))

	wantRefused(t, "no client certificate", call(t, anon, "POST", base+"/v1/score", ""), 401, "a client certificate is needed")
	if a := call(t, anon, "GET", base+"/healthz", ""); a.code != 200 {
		t.Errorf("/healthz without a client certificate: %d %s", a.code, a.body)
	}
	if a := call(t, scanner, "POST", base+"/v1/score", ""); a.code != 200 || !strings.Contains(a.body, `"results"`) {
		t.Errorf("a client certificate of the CA: %d %s", a.code, a.body)
	}
	if a := call(t, scanner, "GET", base+"/metrics", ""); a.code != 200 || metricValue(a.body, `mlctl_http_auth_failures_total{reason="missing"}`) != "1" {
		t.Errorf("/metrics with a client certificate: %d, missing=%q", a.code, metricValue(a.body, `mlctl_http_auth_failures_total{reason="missing"}`))
	}
	if _, err := tlsClient(ca, other.clientCert(t, "scanner")).Get(base + "/v1/score"); err == nil {
		t.Error("a client certificate of another CA was let through the handshake")
	}

	// Only the names given.
	sec.ClientNames = []string{"scanner"}
	named := startSecured(t, db, "127.0.0.1:0", sec)
	nbase := "https://" + named.Addr()
	if a := call(t, scanner, "POST", nbase+"/v1/score", ""); a.code != 200 {
		t.Errorf("--tls-client-name scanner, certificate scanner: %d %s", a.code, a.body)
	}
	intruder := tlsClient(ca, ca.clientCert(t, "intruder"))
	wantRefused(t, "--tls-client-name scanner, certificate intruder", call(t, intruder, "POST", nbase+"/v1/score", ""), 403, `client certificate "intruder" is not allowed`)

	// Beside tokens: either a token or a certificate.
	token, _ := NewToken()
	sec.ClientNames = nil
	sec.Tokens = writeFile(t, dir, "tokens", []byte(TokenLine("app", token, ScopeAll)+"\n"), now)
	both := startSecured(t, db, "127.0.0.1:0", sec)
	bbase := "https://" + both.Addr()
	if a := call(t, anon, "POST", bbase+"/v1/score", token); a.code != 200 {
		t.Errorf("a token without a certificate: %d %s", a.code, a.body)
	}
	if a := call(t, scanner, "POST", bbase+"/v1/score", ""); a.code != 200 {
		t.Errorf("a certificate without a token: %d %s", a.code, a.body)
	}
	a := call(t, anon, "POST", bbase+"/v1/score", "")
	wantRefused(t, "neither", a, 401, "a bearer token (Authorization: Bearer TOKEN) or a client certificate is needed")
	if a.challenge != `Bearer realm="mlctl"` {
		t.Errorf("neither: WWW-Authenticate %q", a.challenge)
	}

	// Nothing open without a certificate: the handshake needs one.
	sec.Tokens, sec.HealthAuth = "", true
	strict := startSecured(t, db, "127.0.0.1:0", sec)
	if resp, err := anon.Get("https://" + strict.Addr() + "/healthz"); err == nil {
		resp.Body.Close()
		t.Errorf("a handshake without a client certificate: %d, want it refused", resp.StatusCode)
	}
	if a := call(t, scanner, "GET", "https://"+strict.Addr()+"/healthz", ""); a.code != 200 {
		t.Errorf("/healthz with a client certificate: %d %s", a.code, a.body)
	}
}

// TestTLSCertificateReload: the scorer serves the certificate written
// over its --tls-cert and --tls-key files without a restart (looked at on
// a handshake); a new pair that does not match keeps the old one in
// service (and is counted); SIGHUP (ReloadHTTPAuth) reloads at once.
func TestTLSCertificateReload(t *testing.T) {
	db := servedRegistry(t)
	dir := t.TempDir()
	ca := newTestCA(t, "mlctl test CA")
	t0 := time.Now().Add(-time.Minute)
	exp1 := time.Now().Add(time.Hour).Truncate(time.Second)
	cert1, key1 := ca.issue(t, "scorer-1", true, exp1)
	sec := HTTPSecurity{TLSCert: writeFile(t, dir, "cert.pem", cert1, t0), TLSKey: writeFile(t, dir, "key.pem", key1, t0)}
	srv := startSecured(t, db, "127.0.0.1:0", sec)
	setCheckEvery := func(d time.Duration) {
		srv.tls.mu.Lock()
		srv.tls.CheckEvery = d
		srv.tls.mu.Unlock()
	}
	setCheckEvery(20 * time.Millisecond)
	c := tlsClient(ca)
	url := "https://" + srv.Addr() + "/healthz"
	served := func() string {
		t.Helper()
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.TLS.PeerCertificates[0].Subject.CommonName
	}
	if cn := served(); cn != "scorer-1" {
		t.Fatalf("served %s, want scorer-1", cn)
	}
	wait := func(want string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			cn := served()
			if cn == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("still serving %s, want %s", cn, want)
			}
			time.Sleep(25 * time.Millisecond)
		}
	}

	cert2, key2 := ca.issue(t, "scorer-2", true, time.Now().Add(2*time.Hour))
	writeFile(t, dir, "cert.pem", cert2, t0.Add(time.Second))
	writeFile(t, dir, "key.pem", key2, t0.Add(time.Second))
	wait("scorer-2")

	// A certificate whose key is not the key file's: the old pair stays.
	cert3, _ := ca.issue(t, "scorer-3", true, time.Now().Add(3*time.Hour))
	writeFile(t, dir, "cert.pem", cert3, t0.Add(2*time.Second))
	time.Sleep(60 * time.Millisecond)
	for range 3 {
		if cn := served(); cn != "scorer-2" {
			t.Fatalf("a mismatched pair: serving %s, want scorer-2 still", cn)
		}
	}
	if err := srv.ReloadHTTPAuth(); err == nil || !strings.Contains(err.Error(), "private key does not match public key") {
		t.Errorf("SIGHUP with a mismatched pair: %v", err)
	}
	mfs, err := srv.gatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "mlctl_http_auth_reload_failures_total" {
			for _, m := range mf.GetMetric() {
				if m.GetLabel()[0].GetValue() == "cert" && m.GetCounter().GetValue() != 2 {
					t.Errorf("cert reload failures %v, want 2 (the handshake's check and SIGHUP)", m.GetCounter().GetValue())
				}
			}
		}
	}

	// Its key arrives: SIGHUP takes the pair at once.
	setCheckEvery(time.Hour)
	cert4, key4 := ca.issue(t, "scorer-4", true, time.Now().Add(4*time.Hour))
	writeFile(t, dir, "cert.pem", cert4, t0.Add(3*time.Second))
	writeFile(t, dir, "key.pem", key4, t0.Add(3*time.Second))
	if err := srv.ReloadHTTPAuth(); err != nil {
		t.Fatal(err)
	}
	if cn := served(); cn != "scorer-4" {
		t.Errorf("after SIGHUP: serving %s, want scorer-4", cn)
	}
}

// TestBindBeyondLoopback: an API without authentication may listen on
// loopback only; beyond it the scorer refuses to start, unless tokens,
// client certificates or --http-insecure say otherwise.
func TestBindBeyondLoopback(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:0", true}, {"[::1]:8080", true}, {"localhost:8080", true}, {"127.0.0.53:53", true},
		{":8080", false}, {"0.0.0.0:8080", false}, {"[::]:8080", false}, {"192.0.2.1:8080", false}, {"[2001:db8::1]:80", false},
	} {
		err := CheckBind(ctx, tc.addr, HTTPSecurity{})
		if (err == nil) != tc.ok {
			t.Errorf("CheckBind(%s): %v, want ok=%v", tc.addr, err, tc.ok)
		}
		if err := CheckBind(ctx, tc.addr, HTTPSecurity{Insecure: true}); err != nil {
			t.Errorf("CheckBind(%s, insecure): %v", tc.addr, err)
		}
		if err := CheckBind(ctx, tc.addr, HTTPSecurity{Tokens: "tokens"}); err != nil {
			t.Errorf("CheckBind(%s, tokens): %v", tc.addr, err)
		}
	}

	db := servedRegistry(t)
	_, err := NewServer(db, Config{Alias: "production", HTTPAddr: "0.0.0.0:0"}, quiet, prometheus.NewRegistry())
	if mlctl.ErrorCode(err) != mlctl.EINVALID || !strings.Contains(err.Error(), "beyond loopback without authentication") {
		t.Fatalf("0.0.0.0 without authentication: %v", err)
	}
	token, _ := NewToken()
	file := filepath.Join(t.TempDir(), "tokens")
	os.WriteFile(file, []byte(TokenLine("app", token, ScopeAll)+"\n"), 0o600)
	srv := startSecured(t, db, "0.0.0.0:0", HTTPSecurity{Tokens: file})
	if !strings.HasPrefix(srv.Addr(), "0.0.0.0:") && !strings.HasPrefix(srv.Addr(), "[::]:") {
		t.Errorf("listening on %s", srv.Addr())
	}
	if d := srv.HTTPAuthDesc(); d != "bearer tokens (1); health paths open" {
		t.Errorf("described as %q", d)
	}
	port := srv.Addr()[strings.LastIndex(srv.Addr(), ":"):]
	c := &http.Client{Timeout: 10 * time.Second}
	wantRefused(t, "beyond loopback, no token", call(t, c, "POST", "http://127.0.0.1"+port+"/v1/score", ""), 401, "bearer token")
	if a := call(t, c, "POST", "http://127.0.0.1"+port+"/v1/score", token); a.code != 200 {
		t.Errorf("beyond loopback, the token: %d %s", a.code, a.body)
	}
	open := startSecured(t, db, "0.0.0.0:0", HTTPSecurity{Insecure: true})
	if d := open.HTTPAuthDesc(); !strings.Contains(d, "--http-insecure") {
		t.Errorf("an insecure scorer described as %q", d)
	}
	if loop := startSecured(t, db, "127.0.0.1:0", HTTPSecurity{}); loop.HTTPAuthDesc() != "none: loopback only" {
		t.Errorf("a loopback scorer described as %q", loop.HTTPAuthDesc())
	}
}

// TestTLSFilesLoadErrors: a scorer does not start on TLS files that do
// not load, each error naming what is wrong.
func TestTLSFilesLoadErrors(t *testing.T) {
	dir := t.TempDir()
	ca := newTestCA(t, "ca")
	now := time.Now()
	cert, key := ca.issue(t, "s", true, now.Add(time.Hour))
	_, otherKey := ca.issue(t, "s", true, now.Add(time.Hour))
	c, k := writeFile(t, dir, "c.pem", cert, now), writeFile(t, dir, "k.pem", key, now)
	for _, tc := range []struct {
		name string
		f    *TLSFiles
		want string
	}{
		{"mismatched key", &TLSFiles{Cert: c, Key: writeFile(t, dir, "k2.pem", otherKey, now)}, "private key does not match public key"},
		{"missing cert", &TLSFiles{Cert: filepath.Join(dir, "none.pem"), Key: k}, "none.pem: no such file"},
		{"CA without PEM", &TLSFiles{Cert: c, Key: k, ClientCA: writeFile(t, dir, "ca.pem", []byte("not PEM"), now)}, "ca.pem: no PEM certificate in it"},
		{"no key", &TLSFiles{Cert: c}, "both a certificate and a key"},
	} {
		if err := tc.f.Load(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if err := (&TLSFiles{Cert: c, Key: k, ClientCA: writeFile(t, dir, "ca2.pem", ca.pem, now)}).Load(); err != nil {
		t.Errorf("good files: %v", err)
	}
}
