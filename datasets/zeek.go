package datasets

import (
	"fmt"
	"strconv"
	"strings"
)

// zeekParser reads Zeek TSV logs (dns.log and the like): '#' directive
// lines set the separator, the unset and empty markers and, in #fields,
// the column names; data lines hold one record each.
type zeekParser struct {
	columns
	file  string
	opt   ReadOptions
	sep   string
	unset string
	empty string
	// fields is the number of columns; 0 until a #fields line is read.
	fields int
	// domainName is the name of the domain column, for bad-row reasons.
	domainName string
	scratch    []string
	// qtype is the qtype_name column when the input keeps one query type
	// (Input.ZeekQtype: TXT answers), else -1; setSep separates the
	// answers of one line.
	qtype  int
	setSep string
}

func newZeekParser(file string, opt ReadOptions) *zeekParser {
	return &zeekParser{file: file, opt: opt, sep: "\t", unset: "-", empty: "(empty)", qtype: -1, setSep: ","}
}

// isZeekDirective reports whether a '#' line is one that starts a Zeek log.
func isZeekDirective(line string) bool {
	return strings.HasPrefix(line, "#separator") || strings.HasPrefix(line, "#fields")
}

func (p *zeekParser) format() string { return FormatZeek }

// directive reads one '#' line. A #fields line whose columns lack the
// domain, or the label when no label was given, is a FormatError.
func (p *zeekParser) directive(line string) error {
	if rest, ok := strings.CutPrefix(line, "#separator"); ok {
		if sep := UnescapeZeek(strings.TrimLeft(rest, " ")); sep != "" {
			p.sep = sep
		}
		return nil
	}
	parts := strings.Split(line, p.sep)
	if len(parts) == 1 && p.sep != " " {
		parts = strings.Fields(line)
	}
	switch parts[0] {
	case "#unset_field":
		if len(parts) > 1 {
			p.unset = parts[1]
		}
	case "#empty_field":
		if len(parts) > 1 {
			p.empty = parts[1]
		}
	case "#set_separator":
		if len(parts) > 1 {
			p.setSep = UnescapeZeek(parts[1])
		}
	case "#fields":
		cols := parts[1:]
		for i := range cols {
			cols[i] = strings.ToLower(strings.TrimSpace(cols[i]))
		}
		if p.opt.Label == nil && p.opt.LabelColumn == "" && index(cols, "label") < 0 {
			return &FormatError{File: p.file, Reason: noLabelReason}
		}
		k, err := findColumns(p.file, cols, p.opt)
		if err != nil {
			return err
		}
		p.columns, p.fields, p.domainName = k, len(cols), cols[k.domain]
		if q := p.opt.input().ZeekQtype; q != "" {
			if p.qtype = index(cols, "qtype_name"); p.qtype < 0 {
				return &FormatError{File: p.file, Reason: fmt.Sprintf("no qtype_name column in #fields (%s answers are read from a dns.log's %s queries)", q, q)}
			}
		}
	}
	return nil
}

func (p *zeekParser) parse(c *collector, line string, n int) {
	if p.fields == 0 {
		c.bad(n, "line", "data before the #fields line", line)
		return
	}
	f := SplitZeek(line, p.sep, p.scratch[:0])
	p.scratch = f
	if len(f) != p.fields {
		c.bad(n, "line", fmt.Sprintf("%d fields, #fields has %d", len(f), p.fields), line)
		return
	}
	raw := f[p.domain]
	for i, v := range f {
		if v = strings.TrimSpace(v); v == p.unset || v == p.empty {
			v = ""
		}
		f[i] = v
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
	for i, a := range strings.Split(f[p.domain], p.setSep) {
		if i > 0 {
			c.read.Lines++ // one more value from this line
		}
		if a = UnescapeZeek(a); !IsZeekTXT(a) {
			c.read.Skipped++ // the CNAME a TXT query went through
			continue
		}
		addName(c, a, label, family, n)
	}
}

// SplitZeek splits a Zeek data line at sep, appending to dst. Zeek escapes
// separators inside values, so there is no quoting.
func SplitZeek(line, sep string, dst []string) []string {
	for {
		i := strings.Index(line, sep)
		if i < 0 {
			return append(dst, line)
		}
		dst = append(dst, line[:i])
		line = line[i+len(sep):]
	}
}

// UnescapeZeek decodes the \xHH escapes Zeek writes in #separator.
func UnescapeZeek(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
