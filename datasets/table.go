package datasets

import (
	"fmt"
	"strings"
)

// tableParser reads CSV or TSV lines whose columns a header named.
type tableParser struct {
	name   string
	sep    byte
	fields int
	domain int
	// label and family are column indices, -1 when the file has none.
	label, family int
	defaultLabel  *int
	defaultFamily string
	scratch       []string
}

// newTableParser reads the header line and finds the columns opt asks for.
func newTableParser(file, format string, sep byte, opt ReadOptions, header string) (*tableParser, error) {
	cols, err := splitFields(header, sep, nil)
	if err != nil {
		return nil, &FormatError{File: file, Reason: fmt.Sprintf("header: %v", err)}
	}
	for i := range cols {
		cols[i] = strings.ToLower(strings.TrimSpace(cols[i]))
	}
	p := &tableParser{name: format, sep: sep, fields: len(cols), defaultFamily: normaliseFamily(opt.Family)}
	missing := func(what, want string) error {
		return &FormatError{File: file, Reason: fmt.Sprintf("no %s column in header (want %s; header has %s)", what, want, quoteList(cols))}
	}
	if opt.DomainColumn != "" {
		if p.domain = index(cols, opt.DomainColumn); p.domain < 0 {
			return nil, missing("domain", fmt.Sprintf("%q", opt.DomainColumn))
		}
	} else {
		p.domain = -1
		for _, h := range domainHeaders {
			if p.domain = index(cols, h); p.domain >= 0 {
				break
			}
		}
		if p.domain < 0 {
			return nil, missing("domain", quoteList(domainHeaders)+" or pass --domain-column")
		}
	}
	p.label = index(cols, or(opt.LabelColumn, "label"))
	switch {
	case p.label < 0 && opt.LabelColumn != "":
		return nil, missing("label", fmt.Sprintf("%q", opt.LabelColumn))
	case p.label < 0 && opt.Label == nil:
		return nil, &FormatError{File: file, Reason: fmt.Sprintf("no label column (header has %s) and no label given: pass --label 0 (benign) or --label 1 (malicious), or --label-column", quoteList(cols))}
	case p.label < 0:
		l := *opt.Label
		p.defaultLabel = &l
	}
	p.family = index(cols, or(opt.FamilyColumn, "family"))
	if p.family < 0 && opt.FamilyColumn != "" {
		return nil, missing("family", fmt.Sprintf("%q", opt.FamilyColumn))
	}
	return p, nil
}

func (p *tableParser) format() string { return p.name }

func (p *tableParser) parse(c *collector, line string, n int) {
	f, err := splitFields(line, p.sep, p.scratch[:0])
	p.scratch = f
	if err != nil {
		c.bad(n, "line", err.Error(), line)
		return
	}
	if len(f) != p.fields {
		c.bad(n, "line", fmt.Sprintf("%d fields, header has %d", len(f), p.fields), line)
		return
	}
	label := 0
	if p.defaultLabel != nil {
		label = *p.defaultLabel
	} else {
		l, ok := ParseLabel(f[p.label])
		if !ok {
			c.bad(n, "label", "empty", "")
			return
		}
		label = l
	}
	family := p.defaultFamily
	if p.family >= 0 {
		if fam := normaliseFamily(f[p.family]); fam != "" {
			family = fam
		}
	}
	addName(c, strings.TrimSpace(f[p.domain]), label, family, n)
}

// index returns the position of name in the lower-case header cols, or -1.
func index(cols []string, name string) int {
	name = strings.ToLower(strings.TrimSpace(name))
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	return -1
}

// or returns s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// quoteList renders names as "a", "b", "c" for error messages.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
