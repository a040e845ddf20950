package serving

import (
	"fmt"
	"strings"
)

// Scope is what a bearer token may reach on the scorer's HTTP API: a set
// of the scope bits below. A token line without scopes has ScopeAll.
type Scope uint8

// The scopes, by the paths they open.
const (
	// ScopeScore opens scoring: POST /v1/score and every path that is
	// neither a health nor the metrics path (the Open Inference
	// Protocol's /v2/models/..., and any path added later).
	ScopeScore Scope = 1 << iota
	// ScopeMetrics opens GET /metrics (a Prometheus scraper's token).
	ScopeMetrics
	// ScopeHealth opens GET /healthz, /v2/health/live and
	// /v2/health/ready when they need a token (--http-health-auth).
	ScopeHealth

	// ScopeAll is every scope: a token line without scopes.
	ScopeAll = ScopeScore | ScopeMetrics | ScopeHealth
)

// scopeNames are the scopes by their names in a token file, in the
// order they are listed.
var scopeNames = []struct {
	name  string
	scope Scope
}{{"score", ScopeScore}, {"metrics", ScopeMetrics}, {"health", ScopeHealth}}

// ParseScopes reads a comma-separated list of scope names (score,
// metrics, health, or all).
func ParseScopes(s string) (Scope, error) {
	var out Scope
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "all" {
			out |= ScopeAll
			continue
		}
		found := false
		for _, n := range scopeNames {
			if n.name == part {
				out |= n.scope
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown scope %q: want score, metrics, health or all, separated by commas", part)
		}
	}
	return out, nil
}

// String is the scope as a token file writes it ("all" for ScopeAll).
func (s Scope) String() string {
	if s == ScopeAll {
		return "all"
	}
	var parts []string
	for _, n := range scopeNames {
		if s&n.scope != 0 {
			parts = append(parts, n.name)
		}
	}
	return strings.Join(parts, ",")
}

// healthPaths answer whether the scorer is up and ready: open to all
// unless health needs a token (k8s probes carry none).
var healthPaths = map[string]bool{"/healthz": true, "/v2/health/live": true, "/v2/health/ready": true}

// ScopeOf is the scope a request for path needs.
func ScopeOf(path string) Scope {
	switch {
	case path == "/metrics":
		return ScopeMetrics
	case healthPaths[path]:
		return ScopeHealth
	}
	return ScopeScore
}
