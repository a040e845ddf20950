package features

import "strings"

// secondLevelSuffixes are labels that, directly left of a country-code TLD,
// form a public suffix (co.uk, com.au, ac.jp, ...). domainParts then takes
// the label left of them as the main label.
var secondLevelSuffixes = map[string]bool{
	"ac": true, "co": true, "com": true, "edu": true, "gob": true, "gov": true,
	"go": true, "ltd": true, "mil": true, "ne": true, "net": true, "nic": true,
	"or": true, "org": true, "plc": true, "sch": true,
}

// domainParts is a name cut into the pieces the domain features look at.
type domainParts struct {
	// tld is the last label.
	tld string
	// main is the registered label: the one left of the TLD, or left of a
	// two-label public suffix such as co.uk.
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
	rest := q[:last]
	prev := strings.LastIndexByte(rest, '.')
	if prev >= 0 && len(p.tld) == 2 && secondLevelSuffixes[rest[prev+1:]] {
		rest = rest[:prev]
		prev = strings.LastIndexByte(rest, '.')
	}
	p.main = rest[prev+1:]
	if prev >= 0 {
		p.sub = rest[:prev]
	}
	return p
}
