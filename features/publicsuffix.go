package features

import (
	_ "embed"
	"strings"
	"sync"
)

// publicSuffixList is the Public Suffix List (see publicsuffix/README.md).
//
//go:embed publicsuffix/public_suffix_list.dat
var publicSuffixList string

// Flags of a suffix in the public suffix table.
const (
	psNode      = 1 << iota // a rule ends here or continues to the left
	psRule                  // the suffix is a public suffix
	psWildcard              // every label left of the suffix makes a public suffix
	psException             // the suffix is not public, though a wildcard says so
)

// publicSuffixes maps every ASCII rule of the list, and every suffix of a
// rule (so a lookup can walk right to left), to its flags. Rules with
// non-ASCII labels are left out: names arrive in punycode, and those rules'
// TLDs are single labels, which the default rule gives anyway.
var publicSuffixes = sync.OnceValue(func() map[string]uint8 {
	m := map[string]uint8{}
	for _, line := range strings.Split(publicSuffixList, "\n") {
		rule := strings.TrimSpace(line)
		if rule == "" || strings.HasPrefix(rule, "//") || !isASCII(rule) {
			continue
		}
		rule = strings.ToLower(rule)
		flag := uint8(psRule)
		switch {
		case strings.HasPrefix(rule, "!"):
			rule, flag = rule[1:], psException
		case strings.HasPrefix(rule, "*."):
			rule, flag = rule[2:], psWildcard
		}
		m[rule] |= flag | psNode
		for dot := strings.IndexByte(rule, '.'); dot >= 0; dot = strings.IndexByte(rule, '.') {
			rule = rule[dot+1:]
			m[rule] |= psNode
		}
	}
	return m
})

// publicSuffixLen returns the length of the public suffix of a normalised
// name (no outer dots): the longest matching rule of the list, with its
// wildcards and exceptions, or the last label when no rule matches. The
// whole name is returned when it is itself a public suffix. It does not
// allocate.
func publicSuffixLen(name string) int {
	m := publicSuffixes()
	suffix := len(name) - 1 - strings.LastIndexByte(name, '.') // default rule "*"
	end := len(name)                                           // the labels left of end are still to read
	var parent uint8                                           // the flags of name[end+1:], the suffix read so far
	for end > 0 {
		dot := strings.LastIndexByte(name[:end], '.')
		cand := name[dot+1:]
		f := m[cand]
		if parent&psWildcard != 0 {
			// the parent's wildcard makes cand public unless an exception says not
			if f&psException != 0 {
				return len(name) - end - 1
			}
			suffix = len(cand)
		}
		if f&psNode == 0 {
			break
		}
		if f&psRule != 0 {
			suffix = len(cand)
		}
		if dot < 0 {
			break
		}
		end, parent = dot, f
	}
	return suffix
}
