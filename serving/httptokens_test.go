package serving

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// TestParseTokens: a token file's names, hashes and scopes, with
// comments and blank lines; Lookup finds a token by its hash only.
func TestParseTokens(t *testing.T) {
	a, b := "mlctl_first", "mlctl_second"
	sum := sha256.Sum256([]byte(b))
	file := "# the scorer's clients\n\n" + TokenLine("app", a, ScopeAll) + "   # every path\n" +
		"  prometheus\tsha256:" + strings.ToUpper(hex.EncodeToString(sum[:])) + " metrics,health\n"
	tok, err := ParseTokens(strings.NewReader(file), "tokens")
	if err != nil {
		t.Fatal(err)
	}
	if tok.Len() != 2 || !tok.Has("prometheus") || tok.Has("mlctl_second") {
		t.Fatalf("%d tokens", tok.Len())
	}
	for _, tc := range []struct {
		token, name string
		scopes      Scope
		ok          bool
	}{
		{a, "app", ScopeAll, true},
		{b, "prometheus", ScopeMetrics | ScopeHealth, true},
		{"mlctl_firs", "", 0, false},
		{"sha256:" + hex.EncodeToString(sum[:]), "", 0, false}, // the hash is not the token
		{"", "", 0, false},
	} {
		name, scopes, ok := tok.Lookup(tc.token)
		if name != tc.name || scopes != tc.scopes || ok != tc.ok {
			t.Errorf("Lookup(%q) = %q %v %v, want %q %v %v", tc.token, name, scopes, ok, tc.name, tc.scopes, tc.ok)
		}
	}
	if line := TokenLine("p", b, ScopeMetrics|ScopeHealth); line != "p sha256:"+hex.EncodeToString(sum[:])+" metrics,health" {
		t.Errorf("TokenLine: %q", line)
	}
}

// TestParseTokensRefuses: every malformed line is refused with the file
// and line, never echoing a token pasted by mistake.
func TestParseTokensRefuses(t *testing.T) {
	good := TokenLine("app", "mlctl_a", ScopeAll)
	for _, tc := range []struct{ line, want string }{
		{"app", "tokens:2: want NAME sha256:HEX [SCOPE,...], got 1 fields"},
		{"ci mlctl_PASTEDTHETOKENITSELF", "tokens:2: token ci: want sha256:HEX (the SHA-256 of the token, never the token itself)"},
		{"ci sha256:abc", "tokens:2: token ci: sha256:abc is not 64 hex digits"},
		{"ci sha256:" + strings.Repeat("g", 64), "tokens:2: token ci: sha256:gggggggg… is not 64 hex digits"},
		{"ci sha256:" + strings.Repeat("0", 64) + " score,admin", `tokens:2: token ci: unknown scope "admin"`},
		{"ci sha256:" + strings.Repeat("0", 64) + " score extra", "got 4 fields"},
		{"bad/name sha256:" + strings.Repeat("0", 64), `tokens:2: token name "bad/name"`},
		{"app sha256:" + strings.Repeat("0", 64), `tokens:2: token name "app" is on line 1 too`},
		{strings.Replace(good, "app", "app2", 1), "tokens:2: the same token hash as line 1"},
	} {
		_, err := ParseTokens(strings.NewReader(good+"\n"+tc.line+"\n"), "tokens")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.line, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "PASTED") {
			t.Errorf("%q: the error echoes the token: %v", tc.line, err)
		}
	}
}

// TestNewToken: tokens are prefixed, 256 random bits, never repeated.
func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(tok, TokenPrefix) || len(tok) != len(TokenPrefix)+43 || seen[tok] {
			t.Fatalf("token %q", tok)
		}
		seen[tok] = true
	}
}

// TestScopeOf: the health and metrics paths need their scopes, every
// other path (OIP's /v2/models/... and any added later) scoring's.
func TestScopeOf(t *testing.T) {
	for path, want := range map[string]Scope{"/metrics": ScopeMetrics, "/healthz": ScopeHealth, "/v2/health/ready": ScopeHealth,
		"/v1/score": ScopeScore, "/v2/models/production/infer": ScopeScore, "/metrics/": ScopeScore, "//healthz": ScopeScore, "/": ScopeScore} {
		if got := ScopeOf(path); got != want {
			t.Errorf("ScopeOf(%s) = %v, want %v", path, got, want)
		}
	}
	if s, err := ParseScopes("all"); err != nil || s != ScopeAll || s.String() != "all" {
		t.Errorf("all: %v %v", s, err)
	}
}

// BenchmarkTokensLookup: what checking a token costs a request, with 10
// and 1,000 tokens in the file (a hash, then one comparison per token).
func BenchmarkTokensLookup(b *testing.B) {
	for _, n := range []int{10, 1000} {
		var file strings.Builder
		var last string
		for i := range n {
			tok, err := NewToken()
			if err != nil {
				b.Fatal(err)
			}
			fmt.Fprintln(&file, TokenLine(fmt.Sprintf("client-%d", i), tok, ScopeAll))
			last = tok
		}
		tokens, err := ParseTokens(strings.NewReader(file.String()), "tokens")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("tokens=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, _, ok := tokens.Lookup(last); !ok {
					b.Fatal("not found")
				}
			}
		})
	}
}
