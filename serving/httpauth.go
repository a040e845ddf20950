package serving

import (
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// HTTPAuth authenticates the HTTP API's requests: by a bearer token of a
// token file (Tokens), by a client certificate TLS verified against the
// client CA, or either when both are configured. A request that carries
// an Authorization header is decided by its token alone; one without is
// decided by its client certificate. The health paths (/healthz,
// /v2/health/*) stay open unless HealthAuth, so that probes need nothing.
//
// Refusals are JSON ({"error": ...}): 401 with WWW-Authenticate: Bearer
// (RFC 6750) for no credentials or an unknown token, 403 for a token
// whose scopes do not open the path or a client certificate not among
// ClientNames. Each is counted in mlctl_http_auth_failures_total{reason}
// and logged (at most one line a second, the rest counted in the next).
type HTTPAuth struct {
	// TokensFile is the token file ("" for no tokens); Load reads it and
	// Reload reads it again.
	TokensFile string
	// ClientCerts lets a verified client certificate authenticate a
	// request (the TLS layer verifies it against --tls-client-ca).
	ClientCerts bool
	// ClientNames, when not empty, are the only client certificates let
	// in: one of a certificate's common name, DNS, URI or email names must
	// be among them.
	ClientNames []string
	// HealthAuth makes the health paths need credentials too (with scope
	// health, for a token).
	HealthAuth bool
	// Metrics counts the refusals; Log takes them and the reloads
	// (default slog.Default()).
	Metrics *Metrics
	Log     *slog.Logger

	tokens     atomic.Pointer[Tokens]
	lastLog    atomic.Int64 // unix second of the last refusal logged
	suppressed atomic.Int64 // refusals not logged since
}

// The reasons a request is refused: the labels of
// mlctl_http_auth_failures_total.
const (
	// AuthMissing: no Authorization header and no client certificate (401).
	AuthMissing = "missing"
	// AuthMalformed: an Authorization header that is not "Bearer TOKEN" (401).
	AuthMalformed = "malformed"
	// AuthUnknownToken: a token not in the token file (401).
	AuthUnknownToken = "unknown_token"
	// AuthScope: a token whose scopes do not open the path (403).
	AuthScope = "scope"
	// AuthClientCert: a verified client certificate not among the names
	// let in (403).
	AuthClientCert = "client_cert"
)

// AuthReasons are the refusal reasons, in the order /metrics lists them.
var AuthReasons = []string{AuthMissing, AuthMalformed, AuthUnknownToken, AuthScope, AuthClientCert}

// Load reads the token file the first time; an error stops the start.
func (a *HTTPAuth) Load() error {
	if a.TokensFile == "" {
		return nil
	}
	t, err := LoadTokens(a.TokensFile)
	if err != nil {
		return err
	}
	a.tokens.Store(t)
	a.Metrics.setTokens(t.Len())
	return nil
}

// Reload reads the token file again (SIGHUP): the tokens it holds now
// replace the old ones, and a revoked token is refused from the next
// request on. A file that does not parse is logged with its line and
// the old tokens stay in use.
func (a *HTTPAuth) Reload() error {
	if a.TokensFile == "" {
		return nil
	}
	t, err := LoadTokens(a.TokensFile)
	if err != nil {
		a.Metrics.authReloadFailed("tokens")
		a.logger().Error("token file not reloaded; the tokens loaded before stay in use", "error", err)
		return err
	}
	old := a.tokens.Swap(t)
	a.Metrics.setTokens(t.Len())
	a.logger().Info("reloaded the token file", "path", a.TokensFile, "tokens", t.Len(), "before", old.Len())
	return nil
}

// Tokens is how many tokens are in use.
func (a *HTTPAuth) Tokens() int {
	if t := a.tokens.Load(); t != nil {
		return t.Len()
	}
	return 0
}

// Describe says in a few words how requests authenticate (the start log).
func (a *HTTPAuth) Describe() string {
	var parts []string
	if a.TokensFile != "" {
		parts = append(parts, fmt.Sprintf("bearer tokens (%d)", a.Tokens()))
	}
	if a.ClientCerts {
		cert := "client certificates"
		if len(a.ClientNames) > 0 {
			cert += " named " + strings.Join(a.ClientNames, ",")
		}
		parts = append(parts, cert)
	}
	s := strings.Join(parts, " or ")
	if !a.HealthAuth {
		s += "; health paths open"
	}
	return s
}

// Wrap is h behind the authentication.
func (a *HTTPAuth) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		need := ScopeOf(r.URL.Path)
		if need == ScopeHealth && !a.HealthAuth {
			h.ServeHTTP(w, r)
			return
		}
		if a.allow(w, r, need) {
			h.ServeHTTP(w, r)
		}
	})
}

// allow decides a request that needs scope need; false when it answered
// the refusal.
func (a *HTTPAuth) allow(w http.ResponseWriter, r *http.Request, need Scope) bool {
	tokens := a.tokens.Load()
	if authz := r.Header.Get("Authorization"); authz != "" && tokens != nil {
		token, ok := bearer(authz)
		if !ok {
			a.refuse(w, r, http.StatusUnauthorized, AuthMalformed, `Bearer realm="mlctl", error="invalid_request"`,
				"the Authorization header must be: Bearer TOKEN", "")
			return false
		}
		name, scopes, ok := tokens.Lookup(token)
		if !ok {
			a.refuse(w, r, http.StatusUnauthorized, AuthUnknownToken, `Bearer realm="mlctl", error="invalid_token"`,
				"unknown or revoked token", "")
			return false
		}
		if scopes&need == 0 {
			a.refuse(w, r, http.StatusForbidden, AuthScope, fmt.Sprintf(`Bearer realm="mlctl", error="insufficient_scope", scope="%s"`, need),
				fmt.Sprintf("token %s may not reach %s: it needs scope %s (the token has %s)", name, r.URL.Path, need, scopes), name)
			return false
		}
		return true
	}
	if a.ClientCerts && r.TLS != nil && len(r.TLS.VerifiedChains) > 0 && len(r.TLS.VerifiedChains[0]) > 0 {
		leaf := r.TLS.VerifiedChains[0][0]
		if len(a.ClientNames) == 0 || slices.ContainsFunc(certNames(leaf), func(n string) bool { return slices.Contains(a.ClientNames, n) }) {
			return true
		}
		a.refuse(w, r, http.StatusForbidden, AuthClientCert, "",
			fmt.Sprintf("client certificate %q is not allowed here (see the scorer's --tls-client-name)", leaf.Subject.CommonName), leaf.Subject.CommonName)
		return false
	}
	challenge, msg := "", "a client certificate is needed"
	switch {
	case tokens != nil && a.ClientCerts:
		challenge, msg = `Bearer realm="mlctl"`, "a bearer token (Authorization: Bearer TOKEN) or a client certificate is needed"
	case tokens != nil:
		challenge, msg = `Bearer realm="mlctl"`, "a bearer token is needed: Authorization: Bearer TOKEN"
	}
	a.refuse(w, r, http.StatusUnauthorized, AuthMissing, challenge, msg, "")
	return false
}

// bearer is the token of an Authorization header "Bearer TOKEN" (the
// scheme in any case, RFC 7235).
func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return "", false
	}
	return token, true
}

// certNames are the names a client certificate may be let in by.
func certNames(c *x509.Certificate) []string {
	names := []string{c.Subject.CommonName}
	names = append(names, c.DNSNames...)
	names = append(names, c.EmailAddresses...)
	for _, u := range c.URIs {
		names = append(names, u.String())
	}
	return names
}

// refuse answers a refusal, counts and logs it; who is the token or
// certificate name when one was recognised.
func (a *HTTPAuth) refuse(w http.ResponseWriter, r *http.Request, code int, reason, challenge, msg, who string) {
	a.Metrics.authFailure(reason)
	if challenge != "" {
		w.Header().Set("WWW-Authenticate", challenge)
	}
	httpError(w, code, msg)
	now := time.Now().Unix()
	if last := a.lastLog.Load(); now > last && a.lastLog.CompareAndSwap(last, now) {
		args := []any{"remote", r.RemoteAddr, "method", r.Method, "path", r.URL.Path, "status", code, "reason", reason}
		if who != "" {
			args = append(args, "who", who)
		}
		if n := a.suppressed.Swap(0); n > 0 {
			args = append(args, "not_logged_before", n)
		}
		a.logger().Warn("HTTP request refused", args...)
		return
	}
	a.suppressed.Add(1)
}

func (a *HTTPAuth) logger() *slog.Logger {
	if a.Log == nil {
		return slog.Default()
	}
	return a.Log
}
