package datasets

import (
	"fmt"
	"strings"
)

// tableParser reads CSV or TSV lines of a names dataset whose columns a
// header named (a table of numeric features is ReadTabular's).
type tableParser struct {
	columns
	name    string
	sep     byte
	fields  int
	scratch []string
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
	k, err := findColumns(file, cols, opt)
	if err != nil {
		return nil, err
	}
	return &tableParser{columns: k, name: format, sep: sep, fields: len(cols)}, nil
}

// newHeaderlessTable reads a CSV or TSV without a header, the input in its
// column (1-based); every row takes the label and family of opt.
func newHeaderlessTable(file, format string, sep byte, opt ReadOptions, column int) (*tableParser, error) {
	if column < 1 {
		return nil, &FormatError{File: file, Reason: fmt.Sprintf("column %d: columns count from 1", column)}
	}
	if opt.Label == nil {
		return nil, &FormatError{File: file, Reason: noLabelReason}
	}
	l := *opt.Label
	k := columns{domain: column - 1, label: -1, family: -1, defaultLabel: &l, defaultFamily: normaliseFamily(opt.Family)}
	return &tableParser{columns: k, name: format, sep: sep, fields: -1}, nil
}

func (p *tableParser) format() string { return p.name }

func (p *tableParser) parse(c *collector, line string, n int) {
	f, err := splitFields(line, p.sep, p.scratch[:0])
	p.scratch = f
	if err != nil {
		c.bad(n, "line", err.Error(), line)
		return
	}
	switch {
	case p.fields < 0 && len(f) <= p.domain:
		c.bad(n, "line", fmt.Sprintf("%d fields, the input is column %d", len(f), p.domain+1), line)
		return
	case p.fields >= 0 && len(f) != p.fields:
		c.bad(n, "line", fmt.Sprintf("%d fields, header has %d", len(f), p.fields), line)
		return
	}
	label, family, ok := p.labelFamily(c, f, n)
	if !ok {
		return
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
