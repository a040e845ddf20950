package features

import "strings"

// domainParts is a name cut into the pieces the domain features look at.
type domainParts struct {
	// tld is the last label.
	tld string
	// suffix is the public suffix (see publicSuffixLen): a TLD, a
	// second-level suffix such as co.uk, or a private one such as ddns.net.
	// When the whole name is a public suffix, it is the last label.
	suffix string
	// main is the registered label: the one left of the public suffix.
	main string
	// sub holds the labels left of main, dots included.
	sub string
	// labels counts all labels.
	labels int
}

// splitDomain cuts a normalised name (outer dots are ignored).
func splitDomain(name string) domainParts {
	q := strings.Trim(name, ".")
	p := domainParts{labels: 1 + strings.Count(q, ".")}
	last := strings.LastIndexByte(q, '.')
	if last < 0 {
		p.main = q
		return p
	}
	p.tld = q[last+1:]
	start := len(q) - publicSuffixLen(q) // where the suffix starts
	if start <= 0 || q[start-1] != '.' {
		start = last + 1
	}
	p.suffix = q[start:]
	rest := q[:start-1]
	prev := strings.LastIndexByte(rest, '.')
	p.main = rest[prev+1:]
	if prev >= 0 {
		p.sub = rest[:prev]
	}
	return p
}

// RegistrableDomain returns the registrable domain of a normalised name
// (lower case, punycode): its public suffix (Public Suffix List, with
// wildcards and exceptions) and the one label left of it, e.g.
// "a.b.example.co.uk" → "example.co.uk". A name that is itself a public
// suffix, or a single label, is returned as it is. Outer dots are ignored.
func RegistrableDomain(name string) string {
	p := splitDomain(name)
	if p.main == "" || p.suffix == "" {
		return strings.Trim(name, ".")
	}
	q := strings.Trim(name, ".")
	return q[len(q)-len(p.main)-1-len(p.suffix):]
}
