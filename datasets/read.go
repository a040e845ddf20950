package datasets

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// ReadOptions says how to read one labeled file of domain names (or of
// another Input).
type ReadOptions struct {
	// Input is what the rows hold; nil means Domains.
	Input *Input
	// Format is "auto" (or empty), "list", "csv", "tsv", "rank", "jsonl" or
	// "zeek". Auto looks at the extension and the first line: "#separator"
	// or "#fields" is Zeek, "{" is JSON Lines. An explicit csv or tsv whose
	// first line is "N,name" is read as a headerless rank list.
	Format string
	// Label is the label (0 benign, 1 malicious) for files without a label
	// column. A file with a label column uses the column.
	Label *int
	// LabelColumn names the label column (JSON key); default "label".
	LabelColumn string
	// Family is the family for rows whose file has no family column or whose
	// family cell is empty.
	Family string
	// FamilyColumn names the family column; default "family".
	FamilyColumn string
	// Column names the input column (JSON key); default the first of the
	// Input's Headers ("domain", "name", "query" for domain names) in the
	// header. A number N (1-based) reads a CSV or TSV without a header,
	// taking the input from its Nth column.
	Column string
	// Log, when set, reads the file as a DNS server's query log of that
	// format (datasets/dnslog) instead of Format: names from its queries.
	Log DNSLog
}

// Read is what one file yielded: every data line is either a Row, a
// duplicate of an earlier row, a BadRow or skipped, so Lines == len(Rows)
// + Duplicates + len(Bad) + Skipped (a dns.log line may hold several TXT
// answers: then each answer counts as a row or duplicate or bad row).
type Read struct {
	// File is the path read.
	File string `json:"file"`
	// Format is the format the file was read as.
	Format string `json:"format"`
	// Rows are the normalised, de-duplicated rows in file order.
	Rows []Row `json:"-"`
	// Bad are the lines that did not become rows, in line order.
	Bad []BadRow `json:"bad,omitempty"`
	// Lines counts data lines: not the header, comments or blank lines (a
	// dns.log line with k TXT answers counts k).
	Lines int `json:"lines"`
	// Duplicates counts lines that repeat an earlier name with the same label.
	Duplicates int `json:"duplicates"`
	// Skipped counts lines with nothing of the input's kind: a dns.log's
	// queries of another type when reading TXT answers. They are in Lines.
	Skipped int `json:"skipped,omitempty"`

	// lines[i] is the line number of Rows[i], for Merge's reports.
	lines []int
}

// FormatError is returned when a file cannot be read at all: an unknown
// format, a header without a domain column, no label anywhere. Retrying
// will not help; the file or the options must change.
type FormatError struct {
	// File is the path of the file.
	File string
	// Reason says what is missing.
	Reason string
}

// Error implements error.
func (e *FormatError) Error() string { return e.File + ": " + e.Reason }

// ReadDGA reads a file of labeled domain names. Lines that cannot be used
// are returned in Read.Bad; an error means the file as a whole could not be
// read (see FormatError).
func ReadDGA(path string, opt ReadOptions) (*Read, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read dga dataset: %w", err)
	}
	defer f.Close()
	return ReadDGAFrom(f, path, opt)
}

// ReadDGAFrom is ReadDGA on an open stream; file names it in reports and
// its extension guides format detection.
func ReadDGAFrom(r io.Reader, file string, opt ReadOptions) (*Read, error) {
	return readFrom(r, file, opt, &collector{read: &Read{File: file}, seen: make(map[string]int), input: opt.input()})
}

func readFrom(r io.Reader, file string, opt ReadOptions, c *collector) (*Read, error) {
	if opt.Log != nil {
		return readDNSLog(r, file, opt, c)
	}
	lr := newLineReader(r)
	var p parser
	for {
		raw, tooLong, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fileError("read", file, err)
		}
		if tooLong {
			c.read.Lines++
			c.bad(lr.n, "line", fmt.Sprintf("line over %d bytes", MaxLineBytes), string(raw))
			continue
		}
		line := string(raw)
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			continue
		}
		if trimmed[0] == '#' {
			if p == nil && isZeekDirective(trimmed) && isZeekOrAuto(opt.Format) {
				p = newZeekParser(file, opt)
				c.read.Format = FormatZeek
			}
			if z, ok := p.(*zeekParser); ok {
				if err := z.directive(line); err != nil {
					return nil, err
				}
			}
			continue
		}
		if p == nil {
			var header bool
			p, header, err = newParser(file, opt, line)
			if err != nil {
				return nil, err
			}
			c.read.Format = p.format()
			if header {
				continue
			}
		}
		c.read.Lines++
		p.parse(c, line, lr.n)
	}
	if c.read.Format == "" {
		c.read.Format = opt.Format
	}
	if e, ok := p.(ender); ok {
		if err := e.end(c); err != nil {
			return nil, err
		}
	}
	c.finish()
	return c.read, nil
}

// parser turns data lines of one format into rows or bad rows.
type parser interface {
	format() string
	parse(c *collector, line string, n int)
}

// ender is a parser that can refuse a file only once it has seen all of it.
type ender interface {
	end(c *collector) error
}

// isZeekOrAuto reports whether format lets a Zeek header pick the parser.
func isZeekOrAuto(format string) bool {
	return format == "" || format == FormatAuto || format == FormatZeek
}

// newParser picks the parser for file from its first data line, and reports
// whether that line was a header the parser consumed.
func newParser(file string, opt ReadOptions, first string) (parser, bool, error) {
	format, sep, ok := detectFormat(opt.Format, file, first)
	if !ok {
		return nil, false, &FormatError{File: file, Reason: fmt.Sprintf("unknown format %q (want auto, list, csv, tsv, rank, jsonl or zeek)", opt.Format)}
	}
	switch format {
	case FormatJSONL:
		return newJSONLParser(file, opt), false, nil
	case FormatZeek:
		return nil, false, &FormatError{File: file, Reason: "zeek log without a #fields line before its first data line"}
	case FormatList, FormatRank:
		if opt.Label == nil {
			return nil, false, &FormatError{File: file, Reason: noLabelReason}
		}
		family := normaliseFamily(opt.Family)
		if format == FormatList {
			return &listParser{label: *opt.Label, family: family}, false, nil
		}
		return &rankParser{label: *opt.Label, family: family, sep: sep}, false, nil
	}
	if n, err := strconv.Atoi(opt.Column); err == nil {
		t, err := newHeaderlessTable(file, format, sep, opt, n)
		return t, false, err
	}
	t, err := newTableParser(file, format, sep, opt, first)
	if err != nil {
		return nil, false, err
	}
	return t, true, nil
}

// normaliseFamily is how family names are compared: trimmed, lower-case.
func normaliseFamily(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
