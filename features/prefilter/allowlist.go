package prefilter

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// ReadAllowlist reads an allowlist file: one domain a line (a registrable
// domain such as example.org, or a name under one), "#" starts a comment,
// blank lines are ignored. It returns the domains normalised; a bad line
// is an error naming file:line.
func ReadAllowlist(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("allowlist: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		s := sc.Text()
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		s = strings.TrimSpace(s)
		if line == 1 {
			s = strings.TrimPrefix(s, "\uFEFF") // a byte order mark
		}
		if s == "" {
			continue
		}
		if strings.ContainsAny(s, " \t,;") {
			return nil, fmt.Errorf("%s:%d: %q: want one domain a line", path, line, s)
		}
		n, err := normaliseAllowed(s)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, n)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("allowlist %s: %w", path, err)
	}
	return out, nil
}
