package serving

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mlctl/mlctl/datasets"
)

// SourceZeekDNS is the Query.Source of names read from a Zeek dns.log.
const SourceZeekDNS = "zeek-dns"

// ZeekDNS follows a Zeek dns.log, as TSV (with its '#' header) or as JSON
// lines, and emits the query of every record. A record of a TXT query
// (qtype_name TXT) brings its answers as the query's TXT records: the TSV
// answers field split at #set_separator (default ",") with Zeek's \xHH
// escapes undone, or the JSON "answers" array; each as Zeek wrote it,
// "TXT <n> " prefix included, and only those (a CNAME's target, listed
// with the answers of a TXT query asked through an alias, is not a TXT
// record; see txtrecords.go). A record's rcode_name, when the log has the
// column and the record a value, is the query's RCode.
//
// Counting: every line is Read, and then exactly one of Parsed (a Query
// was emitted), Skipped (a '#' header or comment line, an empty line, a
// record without a query) or Bad (reported through Bad as a *LineError, e.g.
// `dns.log:17: field ts: "abc" is not a time`). So Read = Parsed + Skipped +
// Bad, as far as the source goes; the Pipeline then counts a parsed name
// that is not a domain name as Skipped too.
type ZeekDNS struct {
	// Path is the dns.log to follow; it may not exist yet and may be rotated.
	Path string
	// FromEnd starts at the end of the file (keeping its '#' header).
	FromEnd bool
	// Poll is how often the file is polled (default 250 ms).
	Poll time.Duration
	// Counters receives the running totals; nil keeps none.
	Counters *SourceCounters
	// Bad receives each bad line once, and problems with following the
	// file (truncation with lost lines); nil drops them.
	Bad func(error)
	// Emit receives each query, from one goroutine, in file order.
	Emit func(Query)
	// Observe, when set, receives each query too, before Emit: the
	// domain windows count every record.
	Observe func(Query)
	// Now gives the time of records without a ts (default time.Now).
	Now func() time.Time
}

// Run follows Path until ctx is cancelled, then returns nil. It returns an
// error when Path cannot be read, or holds TSV whose #fields has no query
// column (it is not a dns.log).
func (z *ZeekDNS) Run(ctx context.Context) error {
	counters := z.Counters
	if counters == nil {
		counters = new(SourceCounters)
	}
	bad := z.Bad
	if bad == nil {
		bad = func(error) {}
	}
	p := newZeekDNSParser(z.Path)
	if z.Now != nil {
		p.now = z.Now
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var fatal error
	opts := FollowOptions{
		FromEnd: z.FromEnd,
		Head:    func(text string) bool { return strings.HasPrefix(text, "#") },
		Poll:    z.Poll,
		Bad: func(err error) {
			var le *LineError
			if errors.As(err, &le) {
				counters.Read.Add(1)
				counters.Bad.Add(1)
			}
			bad(err)
		},
	}
	err := Follow(ctx, z.Path, opts, func(text string, n int) {
		if fatal != nil {
			return
		}
		counters.Read.Add(1)
		q, ok, err := p.parse(text, n)
		var fe *zeekDNSFormatError
		switch {
		case errors.As(err, &fe):
			fatal = fe
			cancel(fe)
		case err != nil:
			counters.Bad.Add(1)
			bad(err)
		case !ok:
			counters.Skipped.Add(1)
		default:
			counters.Parsed.Add(1)
			if z.Observe != nil {
				z.Observe(q)
			}
			if z.Emit != nil {
				z.Emit(q)
			}
		}
	})
	if fatal != nil {
		return fatal
	}
	return err
}

// zeekDNSFormatError says a file is not a dns.log at all.
type zeekDNSFormatError struct{ LineError }

// zeekDNSParser turns dns.log lines into queries. It keeps the TSV header
// of the current file; line 1 starts a new file.
type zeekDNSParser struct {
	file   string
	now    func() time.Time
	header datasets.ZeekHeader
	// query, orig, ts, qtype (qtype_name), rcode (rcode_name), answers,
	// label and family are column indexes of #fields (-1 when absent).
	query, orig, ts, qtype, rcode, answers int
	label, family                          int
	scratch                                []string
}

func newZeekDNSParser(file string) *zeekDNSParser {
	p := &zeekDNSParser{file: file, now: time.Now}
	p.newFile()
	return p
}

// newFile forgets the header: a rotated file brings its own.
func (p *zeekDNSParser) newFile() {
	p.header.Reset()
	p.query, p.orig, p.ts, p.qtype, p.rcode, p.answers, p.label, p.family = -1, -1, -1, -1, -1, -1, -1, -1
}

// parse reads line n. It returns the query and true, or false when the line
// holds nothing to score, or a *LineError, or a *zeekDNSFormatError.
func (p *zeekDNSParser) parse(text string, n int) (Query, bool, error) {
	if n == 1 {
		p.newFile()
	}
	switch {
	case strings.TrimSpace(text) == "":
		return Query{}, false, nil
	case strings.HasPrefix(text, "#"):
		return Query{}, false, p.directive(text, n)
	case strings.HasPrefix(text, "{"):
		return p.parseJSON(text, n)
	}
	return p.parseTSV(text, n)
}

func (p *zeekDNSParser) bad(n int, field, reason string) *LineError {
	return &LineError{File: p.file, Line: n, Field: field, Reason: reason}
}

// directive reads a '#' line of the TSV header.
func (p *zeekDNSParser) directive(text string, n int) error {
	if p.header.Read(text) != datasets.ZeekFields {
		return nil
	}
	p.query, p.orig, p.ts, p.qtype, p.rcode, p.answers, p.label, p.family = -1, -1, -1, -1, -1, -1, -1, -1
	for i, c := range p.header.Fields {
		switch c {
		case "query":
			p.query = i
		case "id.orig_h":
			p.orig = i
		case "ts":
			p.ts = i
		case "qtype_name":
			p.qtype = i
		case "rcode_name":
			p.rcode = i
		case "answers":
			p.answers = i
		case "label":
			p.label = i
		case "family":
			p.family = i
		}
	}
	if p.query < 0 {
		return &zeekDNSFormatError{LineError{File: p.file, Line: n, Field: "#fields",
			Reason: "no query column; is this a Zeek dns.log?"}}
	}
	return nil
}

// value is a TSV field with the unset and empty markers made "".
func (p *zeekDNSParser) value(f []string, i int) string {
	if i < 0 {
		return ""
	}
	return p.header.Value(f[i])
}

func (p *zeekDNSParser) parseTSV(text string, n int) (Query, bool, error) {
	f, err := p.header.Split(text, p.scratch[:0])
	p.scratch = f
	if err != nil {
		return Query{}, false, p.bad(n, "", err.Error())
	}
	name := p.value(f, p.query)
	if name == "" {
		return Query{}, false, nil
	}
	q := Query{Source: SourceZeekDNS, Name: name, ClientIP: p.value(f, p.orig), RCode: p.value(f, p.rcode), QType: p.value(f, p.qtype),
		Label: zeekDNSLabel(p.value(f, p.label)), Family: p.value(f, p.family)}
	if q.Time, err = p.time(p.value(f, p.ts), n); err != nil {
		return Query{}, false, err
	}
	if isTXTQuery(q.QType) {
		if a := p.value(f, p.answers); a != "" {
			q.TXT = zeekTXTAnswers(a, p.header.SetSeparator)
		}
	}
	return q, true, nil
}

// isTXTQuery reports whether a qtype_name is TXT's.
func isTXTQuery(qtype string) bool { return strings.EqualFold(qtype, "TXT") }

// zeekDNSRecord holds the JSON keys read; values are checked by hand for
// precise errors.
type zeekDNSRecord struct {
	TS      json.RawMessage `json:"ts"`
	Query   json.RawMessage `json:"query"`
	Orig    json.RawMessage `json:"id.orig_h"`
	QType   json.RawMessage `json:"qtype_name"`
	RCode   json.RawMessage `json:"rcode_name"`
	Answers json.RawMessage `json:"answers"`
	Label   json.RawMessage `json:"label"`
	Family  json.RawMessage `json:"family"`
}

// zeekDNSLabel reads a label column's value: -1 when unset, else 0 for
// benign (datasets.ConnLabel's reading).
func zeekDNSLabel(s string) int {
	if s == "" {
		return -1
	}
	return datasets.ConnLabel(s)
}

func (p *zeekDNSParser) parseJSON(text string, n int) (Query, bool, error) {
	var r zeekDNSRecord
	if err := json.Unmarshal([]byte(text), &r); err != nil {
		return Query{}, false, p.bad(n, "", "not a JSON object: "+err.Error())
	}
	name, err := p.jsonString(r.Query, "query", n)
	if err != nil || name == "" {
		return Query{}, false, err
	}
	q := Query{Source: SourceZeekDNS, Name: name, Label: -1}
	if len(r.Label) > 0 && string(r.Label) != "null" {
		l := strings.Trim(string(r.Label), `"`)
		q.Label = zeekDNSLabel(l)
	}
	if q.Family, err = p.jsonString(r.Family, "family", n); err != nil {
		return Query{}, false, err
	}
	if q.ClientIP, err = p.jsonString(r.Orig, "id.orig_h", n); err != nil {
		return Query{}, false, err
	}
	var ts string
	if len(r.TS) > 0 && r.TS[0] == '"' {
		ts, err = p.jsonString(r.TS, "ts", n)
		if err != nil {
			return Query{}, false, err
		}
	} else if len(r.TS) > 0 && string(r.TS) != "null" {
		ts = string(r.TS)
	}
	if q.Time, err = p.time(ts, n); err != nil {
		return Query{}, false, err
	}
	qtype, err := p.jsonString(r.QType, "qtype_name", n)
	if err != nil {
		return Query{}, false, err
	}
	if q.RCode, err = p.jsonString(r.RCode, "rcode_name", n); err != nil {
		return Query{}, false, err
	}
	q.QType = qtype
	if isTXTQuery(qtype) && len(r.Answers) > 0 && string(r.Answers) != "null" {
		if err := json.Unmarshal(r.Answers, &q.TXT); err != nil {
			return Query{}, false, p.bad(n, "answers", fmt.Sprintf("%s is not an array of strings", zeekDNSQuote(string(r.Answers))))
		}
		q.TXT = zeekTXTRecords(q.TXT)
	}
	return q, true, nil
}

// jsonString decodes an optional JSON string; absent and null are "".
func (p *zeekDNSParser) jsonString(raw json.RawMessage, field string, n int) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", p.bad(n, field, fmt.Sprintf("%s is not a string", zeekDNSQuote(string(raw))))
	}
	return s, nil
}

// time parses a Zeek ts: epoch seconds with a fraction ("1700000000.123456",
// the TSV form and the default JSON form) or ISO 8601 (JSON with
// LogAscii::json_timestamps = JSON::TS_ISO8601). "" is the read time.
func (p *zeekDNSParser) time(s string, n int) (time.Time, error) {
	if s == "" {
		return p.now(), nil
	}
	if t, ok := zeekDNSEpoch(s); ok {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, p.bad(n, "ts", fmt.Sprintf("%s is not a time", zeekDNSQuote(s)))
}

// zeekDNSEpoch parses decimal epoch seconds exactly (no float rounding of
// the microseconds), also in exponent form as some JSON writers print it.
func zeekDNSEpoch(s string) (time.Time, bool) {
	sec, frac, _ := strings.Cut(s, ".")
	if sec == "" || strings.ContainsAny(s, "eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e15 {
			return time.Time{}, false
		}
		whole, fr := math.Modf(f)
		return time.Unix(int64(whole), int64(math.Round(fr*1e9))).UTC(), true
	}
	secs, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	var nsec int64
	if frac != "" {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		for _, c := range frac {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
		}
		v, _ := strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		nsec = v
		if secs < 0 || strings.HasPrefix(sec, "-") {
			nsec = -nsec
		}
	}
	return time.Unix(secs, nsec).UTC(), true
}

// zeekDNSQuote quotes a value for an error message, cut to 64 bytes.
func zeekDNSQuote(s string) string {
	const max = 64
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}
