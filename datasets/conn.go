package datasets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ConnRecord is one connection from a Zeek conn.log. Values the log leaves
// unset ("-", "(empty)", JSON null or a missing key) are zero, except Label.
type ConnRecord struct {
	// Time is the connection's first packet (ts), in UTC.
	Time time.Time
	// UID is Zeek's connection id.
	UID string
	// SrcIP and SrcPort are the originator (id.orig_h, id.orig_p).
	SrcIP   netip.Addr
	SrcPort uint16
	// DstIP and DstPort are the responder (id.resp_h, id.resp_p). For ICMP,
	// Zeek puts the type in SrcPort and the code in DstPort.
	DstIP   netip.Addr
	DstPort uint16
	// Proto is the transport protocol: "tcp", "udp", "icmp".
	Proto string
	// Service is the application protocol Zeek recognised ("dns", "ssl").
	Service string
	// Duration is how long the connection lasted.
	Duration time.Duration
	// OrigBytes and RespBytes are the payload bytes each side sent.
	OrigBytes, RespBytes int64
	// ConnState is Zeek's connection state ("S0", "SF", "REJ", "RSTO" …).
	ConnState string
	// History is Zeek's state history string ("ShADadFf").
	History string
	// OrigPkts and RespPkts count the packets each side sent.
	OrigPkts, RespPkts int64
	// OrigIPBytes and RespIPBytes count the IP-level bytes each side sent.
	OrigIPBytes, RespIPBytes int64
	// Label is -1 unknown, 0 benign, 1 malicious, from the label column of
	// labeled logs (Stratosphere's "label", or "detailedlabel" when there is
	// no label column); see ConnLabel.
	Label int
	// DetailedLabel is the detailedlabel (or detailed-label) value as written.
	DetailedLabel string
}

// ConnLabel reads a Stratosphere label cell: "Benign" (any case, or what
// ParseLabel reads as 0) is 0; "Background" — Stratosphere's mark for
// traffic nobody labeled — and an unset or empty cell are -1; anything else
// ("Malicious", "1", a family name) is 1.
func ConnLabel(s string) int {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "-", "(empty)", "background":
		return -1
	}
	l, _ := ParseLabel(s)
	return l
}

// ConnLineError is a conn.log line that did not become a ConnRecord. Its
// message is the BadRow's `file:line: field: reason: "value"`.
type ConnLineError struct{ BadRow }

// Error implements error.
func (e *ConnLineError) Error() string { return e.BadRow.String() }

// badConnLine is the *ConnLineError for line n of file: field's value is
// bad for reason.
func badConnLine(file string, n int, field, reason, value string) error {
	return &ConnLineError{BadRow{File: file, Line: n, Field: field, Reason: reason, Value: shorten(value)}}
}

// connFieldNames are the Zeek column names (and JSON keys) of each
// connField; the first is the one reports use.
var connFieldNames = [numConnFields][]string{
	cfTS:            {"ts"},
	cfUID:           {"uid"},
	cfOrigH:         {"id.orig_h"},
	cfOrigP:         {"id.orig_p"},
	cfRespH:         {"id.resp_h"},
	cfRespP:         {"id.resp_p"},
	cfProto:         {"proto"},
	cfService:       {"service"},
	cfDuration:      {"duration"},
	cfOrigBytes:     {"orig_bytes"},
	cfRespBytes:     {"resp_bytes"},
	cfConnState:     {"conn_state"},
	cfHistory:       {"history"},
	cfOrigPkts:      {"orig_pkts"},
	cfRespPkts:      {"resp_pkts"},
	cfOrigIPBytes:   {"orig_ip_bytes"},
	cfRespIPBytes:   {"resp_ip_bytes"},
	cfLabel:         {"label"},
	cfDetailedLabel: {"detailedlabel", "detailed-label", "detailed_label"},
}

// connFieldByName maps every column name and JSON key to its field.
var connFieldByName = connFieldsByName(&connFieldNames)

// zeekConnFormat is how ConnParser builds records: reports name a field by
// its first Zeek name.
var zeekConnFormat = func() *connFormat {
	f := &connFormat{parseTime: parseZeekTime, timeReason: "not a time"}
	for i, names := range connFieldNames {
		f.names[i] = names[0]
	}
	return f
}()

// ConnParser reads a Zeek conn.log one line at a time, so a log follower
// can feed it lines as they are written. It reads both of Zeek's writers:
// TSV, whose '#' header lines (#separator, #unset_field, #empty_field,
// #path, #fields) set its state, and JSON lines (one object a line, with
// Zeek's keys such as "id.orig_h", or nested as {"id":{"orig_h":…}}),
// which need no header. A TSV data line before any #fields line is an
// error. A ConnParser is not safe for concurrent use.
type ConnParser struct {
	// File names the input in errors.
	File string

	// header is the TSV header; its Fields are nil until a usable #fields
	// line is read.
	header ZeekHeader
	// cols maps each TSV column (after splitting composite columns) to a
	// field, or -1 for columns not read.
	cols []connField
	// composite is set when a #fields entry names several columns separated
	// by spaces, as IoT-23's "tunnel_parents   label   detailed-label".
	composite bool
	// detailedOnly is set when the columns include detailedlabel but no
	// label, so the label comes from detailedlabel.
	detailedOnly bool

	scratch []string
	values  connFields
}

// NewConnParser returns a parser for the log named file, with Zeek's
// defaults (tab separator, "-" unset, "(empty)" empty).
func NewConnParser(file string) *ConnParser {
	p := &ConnParser{File: file}
	p.Reset()
	return p
}

// Reset forgets the TSV header, as at the start of a new file. Line does
// it on line 1, since a rotated log brings its own header.
func (p *ConnParser) Reset() {
	p.header.Reset()
	p.cols, p.composite, p.detailedOnly = p.cols[:0], false, false
}

// Line parses one line (without its line ending) found on line lineNo. A
// record comes back with ok set. Header lines, '#' comments and blank lines
// update the parser and return ok false and a nil error; line 1 first
// resets the parser (see Reset). A bad data line
// returns a *ConnLineError naming the file, line and field; a #fields line
// without the columns a connection needs, or a #path other than conn,
// returns a *FormatError, and the data lines after it are errors until a
// usable #fields line comes.
func (p *ConnParser) Line(line string, lineNo int) (rec ConnRecord, ok bool, err error) {
	if lineNo == 1 {
		p.Reset()
	}
	trimmed := strings.TrimSpace(line)
	switch {
	case trimmed == "":
		return rec, false, nil
	case trimmed[0] == '#':
		return rec, false, p.directive(line)
	case trimmed[0] == '{' || trimmed[0] == '[':
		return p.jsonLine(trimmed, lineNo)
	}
	return p.tsvLine(line, lineNo)
}

// directive reads one '#' line.
func (p *ConnParser) directive(line string) error {
	switch p.header.Read(line) {
	case ZeekPath:
		if p.header.Path != "conn" {
			p.header.Fields = nil
			return &FormatError{File: p.File, Reason: fmt.Sprintf("a Zeek %s log, not a conn log", p.header.Path)}
		}
	case ZeekFields:
		return p.fields(p.header.Fields)
	}
	return nil
}

// fields reads the column names of a #fields line; when they lack a
// column a connection needs, it forgets them.
func (p *ConnParser) fields(names []string) error {
	p.cols, p.composite = p.cols[:0], false
	var all []string
	for _, n := range names {
		sub := strings.Fields(n)
		if len(sub) != 1 {
			p.composite = true
		}
		for _, s := range sub {
			all = append(all, strings.ToLower(s))
		}
	}
	cols, seen := connColumns(p.cols, all, connFieldByName)
	p.cols = cols
	if f, missing := missingConnField(&seen); missing {
		p.header.Fields = nil
		return &FormatError{File: p.File, Reason: fmt.Sprintf("no %s column in #fields (header has %s)", connFieldNames[f][0], quoteList(all))}
	}
	p.detailedOnly = !seen[cfLabel] && seen[cfDetailedLabel]
	return nil
}

func (p *ConnParser) bad(n int, field, reason, value string) error {
	return badConnLine(p.File, n, field, reason, value)
}

func (p *ConnParser) tsvLine(line string, n int) (ConnRecord, bool, error) {
	f, err := p.header.Split(line, p.scratch[:0])
	p.scratch = f
	switch {
	case errors.Is(err, errZeekNoFields):
		return ConnRecord{}, false, p.bad(n, "line", "data before a conn log's #fields line", line)
	case err != nil:
		return ConnRecord{}, false, p.bad(n, "line", err.Error(), line)
	}
	if p.composite {
		var sub []string
		for _, v := range f {
			sub = append(sub, strings.Fields(v)...)
		}
		if len(sub) != len(p.cols) {
			return ConnRecord{}, false, p.bad(n, "line", fmt.Sprintf("%d values, #fields names %d", len(sub), len(p.cols)), line)
		}
		f = sub
	}
	p.values.clear()
	p.values.take(p.cols, f, p.header.Unset, p.header.Empty)
	return p.values.record(p.File, n, zeekConnFormat, p.detailedOnly)
}

func (p *ConnParser) jsonLine(line string, n int) (ConnRecord, bool, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &obj); err != nil || obj == nil {
		reason := "not a json object"
		var se *json.SyntaxError
		if errors.As(err, &se) {
			reason = "invalid json: " + err.Error()
		}
		return ConnRecord{}, false, p.bad(n, "line", reason, line)
	}
	p.values.clear()
	var seenLabel, seenDetailed bool
	var use func(key string, raw json.RawMessage) error
	use = func(key string, raw json.RawMessage) error {
		raw = bytes.TrimSpace(raw)
		if len(raw) > 0 && raw[0] == '{' && !strings.Contains(key, ".") {
			// Nested as {"id":{"orig_h":…}}: read it as "id.orig_h".
			var inner map[string]json.RawMessage
			if json.Unmarshal(raw, &inner) == nil {
				for k, v := range inner {
					if err := use(key+"."+strings.ToLower(k), v); err != nil {
						return err
					}
				}
				return nil
			}
		}
		f, ok := connFieldByName[key]
		if !ok {
			if key == "_path" {
				var s string
				if json.Unmarshal(raw, &s) == nil && s != "conn" {
					return p.bad(n, "_path", "a "+s+" record, not a conn record", s)
				}
			}
			return nil
		}
		switch f {
		case cfLabel:
			seenLabel = true
		case cfDetailedLabel:
			seenDetailed = true
		}
		var v string
		switch {
		case len(raw) == 0 || isNull(raw):
			return nil
		case raw[0] == '"':
			if err := json.Unmarshal(raw, &v); err != nil {
				return p.bad(n, connFieldNames[f][0], "invalid json string", string(raw))
			}
			v = strings.TrimSpace(v)
			if v == "" || v == "-" || v == "(empty)" {
				return nil
			}
		case raw[0] == '{' || raw[0] == '[':
			return p.bad(n, connFieldNames[f][0], "not a single value", string(raw))
		default:
			v = string(raw)
		}
		if p.values.set[f] {
			// "id.orig_h" beside {"id":{"orig_h":…}}, or two names of one
			// field: which to believe is not ours to guess.
			return p.bad(n, connFieldNames[f][0], "given twice", v)
		}
		p.values.put(f, v)
		return nil
	}
	// In key order: a line gives the same record or bad row every time
	// (a map's order would pick its first error at random).
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if err := use(strings.ToLower(k), obj[k]); err != nil {
			return ConnRecord{}, false, err
		}
	}
	return p.values.record(p.File, n, zeekConnFormat, !seenLabel && seenDetailed)
}

// parseZeekTime reads a Zeek time: seconds since the Unix epoch with up to
// nine decimals (TSV, and JSON's default), or RFC 3339 (JSON logs written
// with ISO 8601 timestamps).
func parseZeekTime(s string) (time.Time, error) {
	if d, err := parseZeekSeconds(s); err == nil {
		return time.Unix(0, 0).Add(d).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// maxZeekSeconds bounds the seconds a time.Duration holds (about 292 years).
const maxZeekSeconds = 9_000_000_000

// errZeekSeconds is parseZeekSeconds' error.
var errZeekSeconds = errors.New("not a non-negative decimal number of seconds")

// parseZeekSeconds reads a non-negative decimal number of seconds
// ("1655157610.743948", "0.000001", "1.5e-05") exactly to the nanosecond
// when it is plain decimal.
func parseZeekSeconds(s string) (time.Duration, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return 0, errZeekSeconds
	}
	plain := len(frac) <= 18
	for _, c := range []byte(whole + frac) {
		if c < '0' || c > '9' {
			plain = false
			break
		}
	}
	if plain && len(whole) <= 10 {
		var sec int64
		for _, c := range []byte(whole) {
			sec = sec*10 + int64(c-'0')
		}
		if sec >= maxZeekSeconds {
			return 0, errZeekSeconds
		}
		var ns int64
		for i := 0; i < 9; i++ {
			ns *= 10
			if i < len(frac) {
				ns += int64(frac[i] - '0')
			}
		}
		return time.Duration(sec)*time.Second + time.Duration(ns), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f >= 0 && f < maxZeekSeconds) {
		return 0, errZeekSeconds
	}
	return time.Duration(f * float64(time.Second)), nil
}

// ReadConn reads a whole Zeek conn.log (TSV or JSON lines). Lines that do
// not parse come back as bad rows, in line order; an error means the file
// could not be read or is not a conn log (see FormatError).
func ReadConn(path string) ([]ConnRecord, []BadRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read conn log: %w", err)
	}
	defer f.Close()
	return ReadConnFrom(f, path)
}

// ReadConnFrom is ReadConn on an open stream; file names it in reports.
func ReadConnFrom(r io.Reader, file string) ([]ConnRecord, []BadRow, error) {
	return readConnLines(r, file, NewConnParser(file).Line)
}

// readConnLines feeds the lines of r to parse, collecting records and bad
// rows; an error other than a *ConnLineError stops it.
func readConnLines(r io.Reader, file string, parse func(string, int) (ConnRecord, bool, error)) ([]ConnRecord, []BadRow, error) {
	lr := newLineReader(r)
	var recs []ConnRecord
	var bad []BadRow
	for {
		raw, tooLong, err := lr.next()
		if err == io.EOF {
			return recs, bad, nil
		}
		if err != nil {
			return nil, nil, fileError("read", file, err)
		}
		if tooLong {
			bad = append(bad, BadRow{File: file, Line: lr.n, Field: "line", Reason: fmt.Sprintf("line over %d bytes", MaxLineBytes), Value: shorten(string(raw))})
			continue
		}
		rec, ok, err := parse(string(raw), lr.n)
		var le *ConnLineError
		switch {
		case errors.As(err, &le):
			bad = append(bad, le.BadRow)
		case err != nil:
			return nil, nil, err
		case ok:
			recs = append(recs, rec)
		}
	}
}
