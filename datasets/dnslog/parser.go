package dnslog

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// LineError is a line that could not be read, with what the person who
// owns the log needs to find it: file, line, the field at fault, why.
type LineError struct {
	// File is the log's path, Line the 1-based line number in it.
	File string
	Line int
	// Field is the field at fault ("time", "client", "name"), or "line"
	// when the line as a whole matches no rule.
	Field string
	// Reason says what is wrong; Value is the offending value (cut to 64
	// bytes in BadRow).
	Reason string
	Value  string
}

// Error renders it as `file:line: field F: reason: "value"`.
func (e *LineError) Error() string {
	s := fmt.Sprintf("%s:%d: field %s: %s", e.File, e.Line, e.Field, e.Reason)
	if e.Value != "" {
		s += fmt.Sprintf(": %q", shorten(e.Value))
	}
	return s
}

// BadRow is the error as the dataset readers report bad lines.
func (e *LineError) BadRow() datasets.BadRow {
	return datasets.BadRow{File: e.File, Line: e.Line, Field: e.Field, Reason: e.Reason, Value: shorten(e.Value)}
}

// shorten cuts s to 64 bytes on a rune boundary, marking the cut.
func shorten(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xc0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// Stats count what a Parser read.
type Stats struct {
	// Lines counts the lines read, blank ones included.
	Lines int `json:"lines"`
	// Queries and Replies count the records made of query and reply lines.
	Queries int `json:"queries"`
	Replies int `json:"replies"`
	// Skipped counts lines that made no record and are not bad: blank, a
	// skip rule's, unmatched in a format that skips those, a query for the
	// root; Unjoined counts reply lines whose query was not seen (before
	// the log starts, or longer ago than the join window), Further the
	// later answer lines of a query already answered (only its first
	// answer line makes its response record). Both are in Skipped too.
	Skipped  int `json:"skipped"`
	Unjoined int `json:"unjoined"`
	Further  int `json:"further"`
	// Bad counts the bad lines.
	Bad int `json:"bad"`
}

// Parser reads the lines of one log, in order, into records. It keeps the
// queries still waiting for their reply line, so one Parser reads one log,
// across its rotations. It is not safe for concurrent use.
type Parser struct {
	f    *Format
	file string
	ref  func() time.Time
	join joinTable
	vals [numFields]string
	// Stats are the running counts.
	Stats Stats
}

// NewParser returns a parser of file's lines. ref gives the reference time:
// the time of lines without one, and what picks the year of times written
// without a year (nil: time.Now).
func (f *Format) NewParser(file string, ref func() time.Time) *Parser {
	if ref == nil {
		ref = time.Now
	}
	return &Parser{f: f, file: file, ref: ref, join: joinTable{window: f.window, byKey: map[string][]*pending{}}}
}

// Parse reads line n (1-based) of the log. It returns the record the line
// makes and true; or false and nil for a line that makes none (see
// Stats.Skipped); or a *LineError for a bad line.
func (p *Parser) Parse(text string, n int) (datasets.DNSRecord, bool, error) {
	p.Stats.Lines++
	rec, ok, err := p.parse(strings.TrimSuffix(text, "\r"), n)
	switch {
	case err != nil:
		p.Stats.Bad++
	case !ok:
		p.Stats.Skipped++
	case rec.Response:
		p.Stats.Replies++
	default:
		p.Stats.Queries++
	}
	return rec, ok, err
}

func (p *Parser) parse(text string, n int) (datasets.DNSRecord, bool, error) {
	if strings.TrimSpace(text) == "" {
		return datasets.DNSRecord{}, false, nil
	}
	var columns string // why the first separator rule did not match
	for i, r := range p.f.rules {
		ok, why := p.match(r, text)
		if !ok {
			if why != "" && columns == "" {
				columns = why
			}
			continue
		}
		switch r.Kind {
		case KindSkip:
			return datasets.DNSRecord{}, false, nil
		case KindBad:
			reason := fmt.Sprintf("matches lines[%d], a line the format should read but none of its query or reply rules does", i)
			if r.Description != "" {
				reason += " (" + r.Description + ")"
			}
			return datasets.DNSRecord{}, false, p.bad(n, "line", reason, text)
		case KindQuery:
			return p.query(r, n)
		default:
			return p.reply(r, n)
		}
	}
	if p.f.Unmatched == UnmatchedSkip {
		return datasets.DNSRecord{}, false, nil
	}
	reason := fmt.Sprintf("matches none of the %s format's line rules", p.f.Name)
	if columns != "" {
		reason = columns
	}
	return datasets.DNSRecord{}, false, p.bad(n, "line", reason, text)
}

// match reports whether r reads text, filling p.vals; for a separator rule
// that does not, why (the column count).
func (p *Parser) match(r *rule, text string) (bool, string) {
	p.vals = [numFields]string{}
	if r.re != nil {
		m := r.re.FindStringSubmatch(text)
		if m == nil {
			return false, ""
		}
		for i, g := range r.group {
			if g >= 0 {
				p.vals[i] = strings.TrimSpace(m[g])
			}
		}
	} else {
		cols := strings.Split(text, r.Separator)
		if len(cols) != len(r.Fields) {
			return false, fmt.Sprintf("%d columns separated by %q, want %d", len(cols), r.Separator, len(r.Fields))
		}
		for i, c := range r.group {
			if c >= 0 {
				p.vals[i] = strings.TrimSpace(cols[c])
			}
		}
	}
	for i, v := range p.vals {
		if v == "-" {
			p.vals[i] = ""
		}
	}
	return true, ""
}

func (p *Parser) val(field string) string { return p.vals[fieldIndex(field)] }

func (p *Parser) bad(n int, field, reason, value string) *LineError {
	return &LineError{File: p.file, Line: n, Field: field, Reason: reason, Value: value}
}

func (p *Parser) badField(n int, e *fieldError) *LineError {
	return p.bad(n, e.field, e.reason, e.value)
}

// fields reads the values every record kind shares; the record's Time is
// zero when the line has none.
func (p *Parser) fields(r *rule, n int) (datasets.DNSRecord, error) {
	rec := datasets.DNSRecord{Label: -1}
	var fe *fieldError
	if rec.Name, fe = p.f.readName(p.val(FieldName)); fe != nil {
		return rec, p.badField(n, fe)
	}
	if s := p.val(FieldTime); s != "" {
		if rec.Time, fe = p.f.readTime(s, p.ref()); fe != nil {
			return rec, p.badField(n, fe)
		}
	}
	if s := p.val(FieldClient); s != "" {
		if rec.Client, fe = readClient(s); fe != nil {
			return rec, p.badField(n, fe)
		}
	}
	if s := p.val(FieldQType); s != "" {
		if rec.QType, fe = readQType(s); fe != nil {
			return rec, p.badField(n, fe)
		}
	}
	if s := p.val(FieldBytes); s != "" {
		if rec.ResponseBytes, fe = readBytes(s); fe != nil {
			return rec, p.badField(n, fe)
		}
	}
	if s := p.val(FieldRCode); s != "" {
		rc, ok := normalRCode(s)
		if !ok {
			return rec, p.bad(n, FieldRCode, "not a response code", s)
		}
		rec.RCode = rc
	}
	if a := p.val(FieldAnswer); a != "" {
		word, _, _ := strings.Cut(a, " ")
		if rc, ok := r.answerRCode(word); ok {
			if rec.RCode == "" {
				rec.RCode, _ = normalRCode(rc)
			}
		} else {
			rec.Answers = []string{a}
		}
	}
	if rec.RCode == "" && r.DefaultRCode != "" && (r.Kind == KindReply || r.has(FieldAnswer)) {
		rec.RCode, _ = normalRCode(r.DefaultRCode)
	}
	return rec, nil
}

// query reads a query line: a record at once, and a query waiting for its
// reply line when the format has reply rules and the line no answer.
func (p *Parser) query(r *rule, n int) (datasets.DNSRecord, bool, error) {
	rec, err := p.fields(r, n)
	if err != nil {
		return datasets.DNSRecord{}, false, err
	}
	if rec.Name == "" {
		return datasets.DNSRecord{}, false, nil // the root: nothing to score
	}
	if rec.Time.IsZero() {
		rec.Time = p.ref().UTC()
	}
	if rec.RCode == "" && p.f.replies {
		q := &pending{rec: rec}
		if id := p.val(FieldID); id != "" && p.f.hasID {
			q.keys = append(q.keys, p.f.idKey(id, rec.Client))
		}
		if p.f.nameJoin {
			q.keys = append(q.keys, p.f.nameKey(rec.Name, rec.Client))
		}
		p.join.add(q)
	}
	return rec, true, nil
}

// reply reads a reply line into the response record of its query.
func (p *Parser) reply(r *rule, n int) (datasets.DNSRecord, bool, error) {
	rec, err := p.fields(r, n)
	if err != nil {
		return datasets.DNSRecord{}, false, err
	}
	at := rec.Time
	if at.IsZero() {
		at = p.ref().UTC()
	}
	var q *pending
	var further bool
	if id := p.val(FieldID); id != "" {
		q, further = p.join.takeLatest(p.f.idKey(id, rec.Client), at)
	} else if slices.Contains(r.PlaceholderNames, rec.Name) {
		q = p.join.takeNewest(at)
	} else {
		q, further = p.join.takeOldest(p.f.nameKey(rec.Name, rec.Client), at)
	}
	if q == nil {
		if further {
			p.Stats.Further++
		} else {
			p.Stats.Unjoined++
		}
		return datasets.DNSRecord{}, false, nil
	}
	out := q.rec
	out.Response, out.RCode, out.Answers, out.ResponseBytes = true, rec.RCode, rec.Answers, rec.ResponseBytes
	if !rec.Time.IsZero() {
		out.Time = rec.Time
	}
	return out, true, nil
}
