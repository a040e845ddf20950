// Package prefilter decides which DNS names cannot be a DGA's rendezvous
// and so are never scored as one: reverse lookups, host- and site-local
// names, special-use names, single labels, service labels, configured
// internal suffixes and an allowlist of domains (heiDGAF's collector →
// prefilter → detector). `mlctl score`, `mlctl serve` and evaluation all
// ask the same Prefilter, so what is left out is the same everywhere.
package prefilter

import (
	"fmt"
	"strings"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
)

// Prefilter holds the rules. The built-in ones (Arpa, Local, SpecialUse,
// SingleLabel, ServiceLabel) always apply; InternalSuffix and Allowlist
// apply what Options configured. It is read-only after New, safe for
// concurrent use.
type Prefilter struct {
	internal map[string]struct{}
	allow    map[string]struct{}
	// shortest is the fewest labels of an allowlisted domain (2 or more).
	shortest int
}

// Options configure a Prefilter beyond its built-in rules.
type Options struct {
	// InternalSuffixes are domains of the site's own names; a name equal
	// to one or under it (on a label boundary) is prefiltered as
	// InternalSuffix. "corp.example.org", ".corp.example.org" and
	// "*.corp.example.org" mean the same; a single label ("lan") is fine.
	InternalSuffixes []string
	// Allowlist are domains whose names are prefiltered as Allowlist: a
	// name equal to one or under it. Each must be a registrable domain
	// (features.RegistrableDomain) or a name under one, not a public
	// suffix.
	Allowlist []string
	// AllowlistFile, if set, is read with ReadAllowlist and added to
	// Allowlist.
	AllowlistFile string
}

// defaultPrefilter has the built-in rules only.
var defaultPrefilter = &Prefilter{}

// Default returns the Prefilter of the built-in rules only (no internal
// suffixes, no allowlist): what evaluation uses.
func Default() *Prefilter { return defaultPrefilter }

// New returns a Prefilter with the built-in rules and the configured ones;
// a bad suffix, allowlist entry or file is an error that names it.
func New(o Options) (*Prefilter, error) {
	p := &Prefilter{}
	for _, s := range o.InternalSuffixes {
		n, err := normaliseSuffix(s)
		if err != nil {
			return nil, fmt.Errorf("internal suffix %q: %w", s, err)
		}
		if p.internal == nil {
			p.internal = map[string]struct{}{}
		}
		p.internal[n] = struct{}{}
	}
	allow := o.Allowlist
	for _, a := range o.Allowlist {
		if _, err := normaliseAllowed(a); err != nil {
			return nil, fmt.Errorf("allowlist entry %q: %w", a, err)
		}
	}
	if o.AllowlistFile != "" {
		fromFile, err := ReadAllowlist(o.AllowlistFile)
		if err != nil {
			return nil, err
		}
		allow = append(allow[:len(allow):len(allow)], fromFile...)
	}
	for _, a := range allow {
		n, _ := normaliseAllowed(a) // checked above or by ReadAllowlist
		if p.allow == nil {
			p.allow = map[string]struct{}{}
		}
		p.allow[n] = struct{}{}
		if l := 1 + strings.Count(n, "."); p.shortest == 0 || l < p.shortest {
			p.shortest = l
		}
	}
	return p, nil
}

// InternalSuffixes is how many internal suffixes are configured.
func (p *Prefilter) InternalSuffixes() int { return len(p.internal) }

// Allowlisted is how many domains the allowlist holds.
func (p *Prefilter) Allowlisted() int { return len(p.allow) }

// Check says whether a normalised name (datasets.NormaliseDomain: lower
// case, punycode, no trailing dot) is prefiltered, and why: the first
// reason that fits, in the order of the Reason constants. It does not
// allocate.
func (p *Prefilter) Check(name string) (Reason, bool) {
	name = strings.TrimSuffix(name, ".")
	dot := strings.LastIndexByte(name, '.')
	switch name[dot+1:] {
	case "arpa":
		return Arpa, true
	case "local", "localhost", "localdomain", "internal", "intranet", "private", "corp", "home", "lan":
		return Local, true
	case "test", "example", "invalid", "onion", "alt":
		return SpecialUse, true
	}
	if dot < 0 {
		return SingleLabel, true
	}
	if hasServiceLabel(name) {
		return ServiceLabel, true
	}
	if p == nil { // a nil Prefilter is Default
		return None, false
	}
	if p.internal != nil && underAny(p.internal, name, 1) {
		return InternalSuffix, true
	}
	if p.allow != nil && underAny(p.allow, name, p.shortest) {
		return Allowlist, true
	}
	return None, false
}

// hasServiceLabel reports whether a label of name starts with "_".
func hasServiceLabel(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] == '_' && (i == 0 || name[i-1] == '.') {
			return true
		}
	}
	return false
}

// underAny reports whether name, or a parent domain of it with at least
// minLabels labels, is in set: it walks the name's label boundaries from
// the left (substrings, no allocation).
func underAny(set map[string]struct{}, name string, minLabels int) bool {
	labels := 1 + strings.Count(name, ".")
	for s := name; labels >= minLabels; labels-- {
		if _, ok := set[s]; ok {
			return true
		}
		i := strings.IndexByte(s, '.')
		if i < 0 {
			return false
		}
		s = s[i+1:]
	}
	return false
}

// normaliseSuffix normalises an internal suffix: "*." or "." in front is
// dropped, then it is normalised as a name is.
func normaliseSuffix(s string) (string, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "*.")
	s = strings.TrimPrefix(s, ".")
	n, err := datasets.NormaliseDomain(s)
	if err != nil {
		return "", err
	}
	return n, nil
}

// normaliseAllowed normalises an allowlist entry and refuses a public
// suffix (which would allow every domain registered under it).
func normaliseAllowed(s string) (string, error) {
	n, err := normaliseSuffix(s)
	if err != nil {
		return "", err
	}
	// A public suffix is the registrable domain of a name one label longer.
	if probe := "x." + n; features.RegistrableDomain(probe) == probe {
		return "", fmt.Errorf("%q is a public suffix, not a registrable domain: list the domains under it (a private suffix of the site belongs in --internal-suffix)", n)
	}
	return n, nil
}
