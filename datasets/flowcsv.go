package datasets

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// The flow analyzer's flow CSV (analyzer.py's Flow.from_csv) is headerless, one
// flow a line, nine columns in this order:
//
//	ts, ip_protocol, state, src_ip, src_port, dst_ip, dst_port, src_tx, dst_tx
//
// ts is a wall-clock time "YYYY-MM-DD HH:MM:SS" (strptime "%Y-%m-%d
// %H:%M:%S": whole seconds, no zone), ports and byte counts are integers,
// src_tx and dst_tx the bytes each side sent. FlowCSVParser reads that and
// the same columns under a header line, in any order and with more
// columns; see flowCSVNames for the names it knows.

// flowCSVSeedColumns is the column order of a headerless file: the flow analyzer's.
var flowCSVSeedColumns = []connField{cfTS, cfProto, cfConnState, cfOrigH, cfOrigP, cfRespH, cfRespP, cfOrigBytes, cfRespBytes}

// flowCSVNames are the header names of each field a flow CSV has, lower
// case; the first is the name reports use. The flow analyzer's own names
// (ip_protocol, src_tx, dst_tx) and Zeek's (conn_state, orig_bytes …) are
// accepted too. A header must name connRequired's columns: what a
// connection is (as for a conn.log).
var flowCSVNames = [numConnFields][]string{
	cfTS:            {"ts", "time", "timestamp"},
	cfProto:         {"proto", "ip_protocol", "protocol"},
	cfConnState:     {"state", "conn_state"},
	cfOrigH:         {"src_ip", "id.orig_h"},
	cfOrigP:         {"src_port", "id.orig_p"},
	cfRespH:         {"dst_ip", "id.resp_h"},
	cfRespP:         {"dst_port", "id.resp_p"},
	cfOrigBytes:     {"src_bytes", "src_tx", "orig_bytes"},
	cfRespBytes:     {"dst_bytes", "dst_tx", "resp_bytes"},
	cfDuration:      {"duration"},
	cfOrigPkts:      {"src_pkts", "orig_pkts"},
	cfRespPkts:      {"dst_pkts", "resp_pkts"},
	cfLabel:         {"label"},
	cfDetailedLabel: {"detailedlabel", "detailed-label", "detailed_label"},
}

// flowCSVFieldByName maps every header name to its field.
var flowCSVFieldByName = connFieldsByName(&flowCSVNames)

// FlowCSVParser reads the flow analyzer's flow CSV one line at a time, as ConnParser
// reads a conn.log, into ConnRecords: proto, state, addresses, ports and
// the bytes each side sent (OrigBytes, RespBytes); with a header, also
// duration, packets and Stratosphere's label / detailedlabel columns.
// Fields the file does not have are zero, Label -1. The first data line
// is a header when one of its cells is "ts" (or "time", "timestamp");
// otherwise the file is headerless in the flow analyzer's column order. Times
// without a zone are UTC. A FlowCSVParser is not safe for concurrent use.
type FlowCSVParser struct {
	// File names the input in errors.
	File string

	// decided is set once the first data line said whether there is a
	// header; cols maps each column to a field (-1: not read) and fields
	// is the number of columns a line must have.
	decided      bool
	headerless   bool
	cols         []connField
	fields       int
	detailedOnly bool
	// format names each field as the header does, for reports.
	format  connFormat
	scratch []string
	values  connFields
}

// NewFlowCSVParser returns a parser for the flow CSV named file.
func NewFlowCSVParser(file string) *FlowCSVParser {
	p := &FlowCSVParser{File: file}
	p.Reset()
	return p
}

// Reset forgets the header, as at the start of a new file. Line does it on
// line 1.
func (p *FlowCSVParser) Reset() {
	p.decided, p.headerless, p.cols, p.fields, p.detailedOnly = false, false, p.cols[:0], 0, false
	p.format = connFormat{parseTime: parseFlowTime, timeReason: "not a time (want YYYY-MM-DD HH:MM:SS, RFC 3339 or Unix seconds)"}
	for f, names := range flowCSVNames {
		if len(names) > 0 {
			p.format.names[f] = names[0]
		}
	}
}

// Line parses one line (without its line ending) found on line lineNo. A
// record comes back with ok set. Blank lines, '#' comment lines and the
// header return ok false and a nil error. A bad data line returns a
// *ConnLineError naming the file, line and column; a header without the
// columns a connection needs returns a *FormatError, and the data lines
// after it are errors.
func (p *FlowCSVParser) Line(line string, lineNo int) (rec ConnRecord, ok bool, err error) {
	if lineNo == 1 {
		p.Reset()
	}
	trimmed := strings.TrimSpace(line)
	if trimmed == "" || trimmed[0] == '#' {
		return rec, false, nil
	}
	f, err := splitFields(line, ',', p.scratch[:0])
	p.scratch = f
	if err != nil {
		return rec, false, p.bad(lineNo, "line", err.Error(), line)
	}
	if !p.decided {
		p.decided = true
		for _, c := range f {
			if name, ok := flowCSVFieldByName[strings.ToLower(strings.TrimSpace(c))]; ok && name == cfTS {
				return rec, false, p.header(f)
			}
		}
		p.headerless = true
		p.cols = append(p.cols[:0], flowCSVSeedColumns...)
		p.fields = len(flowCSVSeedColumns)
	}
	switch {
	case p.fields == 0:
		return rec, false, p.bad(lineNo, "line", "no usable header", line)
	case len(f) != p.fields && p.headerless:
		return rec, false, p.bad(lineNo, "line", fmt.Sprintf("%d fields, want %d (ts, proto, state, src_ip, src_port, dst_ip, dst_port, src_bytes, dst_bytes)", len(f), p.fields), line)
	case len(f) != p.fields:
		return rec, false, p.bad(lineNo, "line", fmt.Sprintf("%d fields, header has %d", len(f), p.fields), line)
	}
	p.values.clear()
	p.values.take(p.cols, f, "-", "(empty)")
	return p.values.record(p.File, lineNo, &p.format, p.detailedOnly)
}

// header reads the column names of a header line.
func (p *FlowCSVParser) header(names []string) error {
	lower := make([]string, len(names))
	for i, n := range names {
		lower[i] = strings.ToLower(strings.TrimSpace(n))
	}
	cols, seen := connColumns(p.cols[:0], lower, flowCSVFieldByName)
	p.cols = cols
	for i, f := range cols {
		if f >= 0 {
			p.format.names[f] = lower[i]
		}
	}
	if f, missing := missingConnField(&seen); missing {
		p.fields = 0
		return &FormatError{File: p.File, Reason: fmt.Sprintf("no %s column in flow csv header (header has %s)", flowCSVNames[f][0], quoteList(lower))}
	}
	p.fields = len(names)
	p.detailedOnly = !seen[cfLabel] && seen[cfDetailedLabel]
	return nil
}

func (p *FlowCSVParser) bad(n int, field, reason, value string) error {
	return badConnLine(p.File, n, field, reason, value)
}

// flowTimeLayout is the flow analyzer's strptime format "%Y-%m-%d %H:%M:%S"; Go's
// parser also takes a fraction of a second after it.
const flowTimeLayout = "2006-01-02 15:04:05"

// parseFlowTime reads a flow CSV time: the flow analyzer's "YYYY-MM-DD HH:MM:SS"
// (optionally with a fraction; no zone means UTC), RFC 3339, or Unix
// seconds as Zeek writes them.
func parseFlowTime(s string) (time.Time, error) {
	if t, err := time.Parse(flowTimeLayout, s); err == nil {
		return t.UTC(), nil
	}
	return parseZeekTime(s)
}

// ReadFlowCSV reads a whole flow CSV (the flow analyzer's format, see
// FlowCSVParser). Lines that do not parse come back as bad rows, in line
// order; an error means the file could not be read or its header lacks a
// column a connection needs.
func ReadFlowCSV(path string) ([]ConnRecord, []BadRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read flow csv: %w", err)
	}
	defer f.Close()
	return ReadFlowCSVFrom(f, path)
}

// ReadFlowCSVFrom is ReadFlowCSV on an open stream; file names it in
// reports.
func ReadFlowCSVFrom(r io.Reader, file string) ([]ConnRecord, []BadRow, error) {
	return readConnLines(r, file, NewFlowCSVParser(file).Line)
}

// ReadFlows reads a file of connections in format: "auto" (or empty),
// "zeek" or "jsonl" (a Zeek conn.log, TSV or JSON lines: ReadConn), or
// "csv" (the flow analyzer's flow CSV: ReadFlowCSV). Auto looks at the first
// non-blank line: '#' (a Zeek TSV header) or '{' (Zeek JSON) is a conn.log,
// anything else a flow CSV, with or without a header.
func ReadFlows(path, format string) ([]ConnRecord, []BadRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read flows: %w", err)
	}
	defer f.Close()
	return ReadFlowsFrom(f, path, format)
}

// ReadFlowsFrom is ReadFlows on an open stream; file names it in reports.
func ReadFlowsFrom(r io.Reader, file, format string) ([]ConnRecord, []BadRow, error) {
	switch format {
	case FormatZeek, FormatJSONL:
		return ReadConnFrom(r, file)
	case FormatCSV:
		return ReadFlowCSVFrom(r, file)
	case "", FormatAuto:
	default:
		return nil, nil, &FormatError{File: file, Reason: fmt.Sprintf("unknown flow format %q (want auto, zeek, jsonl or csv)", format)}
	}
	first, rest, err := sniffFirstLine(r)
	if err != nil {
		return nil, nil, fileError("read", file, err)
	}
	if first == '#' || first == '{' {
		return ReadConnFrom(rest, file)
	}
	return ReadFlowCSVFrom(rest, file)
}

// sniffFirstLine reads r up to the first byte that is not white space (0
// at the end of input) and returns it with a reader that yields all of r
// again.
func sniffFirstLine(r io.Reader) (first byte, all io.Reader, err error) {
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		chunk := buf[:n]
		if seen.Len() == 0 {
			chunk = bytes.TrimPrefix(chunk, []byte("\xef\xbb\xbf"))
		}
		if i := bytes.IndexFunc(chunk, func(c rune) bool { return !strings.ContainsRune(" \t\r\n", c) }); i >= 0 {
			first = chunk[i]
		}
		seen.Write(buf[:n])
		if first != 0 || err == io.EOF {
			return first, io.MultiReader(&seen, r), nil
		}
		if err != nil {
			return 0, nil, err
		}
	}
}
