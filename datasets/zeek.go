package datasets

import (
	"fmt"
	"strings"
)

// zeekParser reads Zeek TSV logs (dns.log and the like): '#' directive
// lines set its header (see ZeekHeader); data lines hold one record each.
type zeekParser struct {
	columns
	file   string
	opt    ReadOptions
	header ZeekHeader
	// domainName is the name of the domain column, for bad-row reasons.
	domainName string
	scratch    []string
	// qtype is the qtype_name column when the input keeps one query type
	// (Input.ZeekQtype: TXT answers), else -1; the header's set separator
	// separates the answers of one line.
	qtype int
}

func newZeekParser(file string, opt ReadOptions) *zeekParser {
	return &zeekParser{file: file, opt: opt, header: NewZeekHeader(), qtype: -1}
}

func (p *zeekParser) format() string { return FormatZeek }

// directive reads one '#' line. A #fields line whose columns lack the
// domain, or the label when no label was given, is a FormatError.
func (p *zeekParser) directive(line string) error {
	if p.header.Read(line) != ZeekFields {
		return nil
	}
	cols := make([]string, len(p.header.Fields))
	for i, name := range p.header.Fields {
		cols[i] = strings.ToLower(name)
	}
	if p.opt.Label == nil && p.opt.LabelColumn == "" && index(cols, "label") < 0 {
		return &FormatError{File: p.file, Reason: noLabelReason}
	}
	k, err := findColumns(p.file, cols, p.opt)
	if err != nil {
		return err
	}
	p.columns, p.domainName = k, cols[k.domain]
	if q := p.opt.input().ZeekQtype; q != "" {
		if p.qtype = index(cols, "qtype_name"); p.qtype < 0 {
			return &FormatError{File: p.file, Reason: fmt.Sprintf("no qtype_name column in #fields (%s answers are read from a dns.log's %s queries)", q, q)}
		}
	}
	return nil
}

func (p *zeekParser) parse(c *collector, line string, n int) {
	f, err := p.header.Split(line, p.scratch[:0])
	p.scratch = f
	if err != nil {
		c.bad(n, "line", err.Error(), line)
		return
	}
	raw := f[p.domain]
	for i, v := range f {
		f[i] = p.header.Value(strings.TrimSpace(v))
	}
	if p.qtype >= 0 && (!strings.EqualFold(f[p.qtype], p.opt.input().ZeekQtype) || f[p.domain] == "") {
		c.read.Skipped++ // another query type, or a TXT query without answers
		return
	}
	if f[p.domain] == "" {
		c.bad(n, p.opt.input().Field, "no "+p.domainName, raw)
		return
	}
	label, family, ok := p.labelFamily(c, f, n)
	if !ok {
		return
	}
	if p.qtype < 0 {
		addName(c, f[p.domain], label, family, n)
		return
	}
	// Each answer of the line is one value; Zeek escapes the set
	// separator inside an answer.
	for i, a := range strings.Split(f[p.domain], p.header.SetSeparator) {
		if i > 0 {
			c.read.Lines++ // one more value from this line
		}
		if a = UnescapeZeek(a); !IsZeekTXT(a) {
			c.read.Skipped++ // the CNAME a TXT query went through
			continue
		}
		addName(c, ZeekTXT(a), label, family, n)
	}
}
