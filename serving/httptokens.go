package serving

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// Tokens are the bearer tokens the scorer's HTTP API accepts, read from
// a token file (--http-tokens): one token a line as
//
//	NAME sha256:HEX [SCOPE,...]   # comment
//
// where HEX is the SHA-256 of the token (the token itself is never
// stored) and the optional scopes (score, metrics, health, all; default
// all) say what it may reach. Blank lines and # comments are ignored.
// Names and hashes are unique within a file.
type Tokens struct {
	entries []tokenEntry
}

type tokenEntry struct {
	name   string
	hash   [sha256.Size]byte
	scopes Scope
}

// TokenPrefix begins every token `mlctl serve token` makes, so that
// secret scanners and people can tell one.
const TokenPrefix = "mlctl_"

// tokenName is what a token's name may be: it is logged, so no spaces
// and nothing that needs quoting.
var tokenName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// ValidTokenName says why name cannot name a token (nil if it can).
func ValidTokenName(name string) error {
	if !tokenName.MatchString(name) {
		return fmt.Errorf("token name %q: want 1 to 64 letters, digits and . _ @ -, starting with a letter or digit", name)
	}
	return nil
}

// NewToken is a fresh random token: TokenPrefix and 256 random bits.
func NewToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make a token: %w", err)
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// TokenLine is the token file line for token under name with scopes.
func TokenLine(name, token string, scopes Scope) string {
	sum := sha256.Sum256([]byte(token))
	line := name + " sha256:" + hex.EncodeToString(sum[:])
	if scopes != ScopeAll && scopes != 0 {
		line += " " + scopes.String()
	}
	return line
}

// LoadTokens reads a token file; an error names the file and line.
func LoadTokens(path string) (*Tokens, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	defer f.Close()
	return ParseTokens(f, path)
}

// ParseTokens reads a token file's lines from r; path names it in
// errors ("path:line: ...").
func ParseTokens(r io.Reader, path string) (*Tokens, error) {
	t := &Tokens{}
	names := map[string]int{}
	hashes := map[[sha256.Size]byte]int{}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		e, err := parseTokenLine(fields)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if prev, ok := names[e.name]; ok {
			return nil, fmt.Errorf("%s:%d: token name %q is on line %d too", path, n, e.name, prev)
		}
		if prev, ok := hashes[e.hash]; ok {
			return nil, fmt.Errorf("%s:%d: the same token hash as line %d", path, n, prev)
		}
		names[e.name], hashes[e.hash] = n, n
		t.entries = append(t.entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", path, n+1, err)
	}
	return t, nil
}

// parseTokenLine reads NAME sha256:HEX [SCOPES].
func parseTokenLine(fields []string) (tokenEntry, error) {
	if len(fields) < 2 || len(fields) > 3 {
		return tokenEntry{}, fmt.Errorf("want NAME sha256:HEX [SCOPE,...], got %d fields", len(fields))
	}
	e := tokenEntry{name: fields[0], scopes: ScopeAll}
	if err := ValidTokenName(e.name); err != nil {
		return e, err
	}
	h, ok := strings.CutPrefix(fields[1], "sha256:")
	if !ok {
		return e, fmt.Errorf("token %s: want sha256:HEX (the SHA-256 of the token, never the token itself)", e.name)
	}
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != sha256.Size {
		return e, fmt.Errorf("token %s: sha256:%s is not 64 hex digits", e.name, abbrev(h))
	}
	copy(e.hash[:], b)
	if len(fields) == 3 {
		if e.scopes, err = ParseScopes(fields[2]); err != nil {
			return e, fmt.Errorf("token %s: %w", e.name, err)
		}
	}
	return e, nil
}

// abbrev shortens what a bad line holds for an error message (it may be
// a token pasted by mistake: never print it whole).
func abbrev(s string) string {
	if len(s) > 8 {
		return s[:8] + "…"
	}
	return s
}

// Len is how many tokens there are (0 for nil).
func (t *Tokens) Len() int {
	if t == nil {
		return 0
	}
	return len(t.entries)
}

// Lookup is the name and scopes of token, ok when it is one of them. It
// hashes token and compares the hash with every entry's in constant
// time, so neither which entry matched nor how much of it shows in the
// time taken.
func (t *Tokens) Lookup(token string) (name string, scopes Scope, ok bool) {
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i := range t.entries {
		if subtle.ConstantTimeCompare(sum[:], t.entries[i].hash[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return "", 0, false
	}
	e := t.entries[found]
	return e.name, e.scopes, true
}

// Has says whether a token is named name.
func (t *Tokens) Has(name string) bool {
	for _, e := range t.entries {
		if e.name == name {
			return true
		}
	}
	return false
}
