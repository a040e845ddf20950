package datasets

import (
	"strings"
)

// listParser reads one domain name a line.
type listParser struct {
	label  int
	family string
}

func (p *listParser) format() string { return FormatList }

func (p *listParser) parse(c *collector, line string, n int) {
	addName(c, strings.TrimSpace(line), p.label, p.family, n)
}

// rankParser reads headerless "rank,domain" lines.
type rankParser struct {
	label  int
	family string
	sep    byte
}

func (p *rankParser) format() string { return FormatRank }

func (p *rankParser) parse(c *collector, line string, n int) {
	rank, name, ok := strings.Cut(line, string(p.sep))
	if !ok || strings.IndexByte(name, p.sep) >= 0 {
		c.bad(n, "line", "want 2 fields: rank,domain", line)
		return
	}
	if !isDigits(strings.TrimSpace(rank)) {
		c.bad(n, "rank", "not a number", rank)
		return
	}
	addName(c, strings.TrimSpace(name), p.label, p.family, n)
}

// addName normalises name (a domain name, or the collector's input) and
// adds it as a row, or records why it is bad.
func addName(c *collector, name string, label int, family string, n int) {
	in := c.input
	if in == nil {
		in = Domains
	}
	norm, err := in.Normalise(name)
	if err != nil {
		c.bad(n, in.Field, reasonOf(err), name)
		return
	}
	c.add(Row{Name: norm, Label: label, Family: family}, n)
}

// reasonOf is the short reason of a NormaliseDomain error.
func reasonOf(err error) string {
	if b, ok := err.(*BadName); ok {
		return b.Reason
	}
	return err.Error()
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
