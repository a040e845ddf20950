// Package dnslog reads the query logs of DNS servers that are neither Zeek
// nor dnstap (BIND's query log, dnsmasq and Pi-hole's pihole.log, CoreDNS's
// log plugin, the Windows DNS server's debug log, heiDGAF's log line) from a
// small description of their lines: a Format. Every line becomes at most one
// datasets.DNSRecord, the type the Zeek and dnstap readers produce, so ingest,
// score, features and serve take them alike.
//
// A Format lists line rules, tried in order. A query rule's line is one
// query (client, name, type, time; and its answer too when the line has one,
// as CoreDNS's does: then the record is a query with its RCode, like a line
// of a Zeek dns.log). A reply rule's line is the answer of a query logged on
// an earlier line (dnsmasq's "reply", Windows' "Snd R", BIND's "query
// failed"): it is joined to that query, by id when the rule captures one,
// else by name, and becomes a response record (Response true, the query's
// client, name and type, the reply's rcode and answer), as a dnstap
// CLIENT_RESPONSE does. Skip rules name lines that hold no query; bad rules
// name lines that should have matched a query or reply rule and did not.
package dnslog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Kinds of line rules.
const (
	// KindQuery is a line that logs one query (and maybe its answer).
	KindQuery = "query"
	// KindReply is a line that logs the answer of an earlier query.
	KindReply = "reply"
	// KindSkip is a line that holds no query (a header, a start-up
	// message, a query the server itself sent upstream): counted, skipped.
	KindSkip = "skip"
	// KindBad is a line that looks like a query or reply but matched none
	// of the rules before it: reported as a bad line.
	KindBad = "bad"
)

// Field names a rule's regex groups or separated fields may capture.
const (
	// FieldTime is when the line was logged, parsed with TimeLayouts.
	FieldTime = "time"
	// FieldClient is the address that asked (an IP address; "[::1]" and
	// "::1" alike).
	FieldClient = "client"
	// FieldName is the query name.
	FieldName = "name"
	// FieldQType is the query type's mnemonic ("A", "type=65" and
	// "TYPE65" are read as the type's number).
	FieldQType = "qtype"
	// FieldRCode is the response code's mnemonic.
	FieldRCode = "rcode"
	// FieldAnswer is one answer (an address, a TXT record's text), or a
	// word AnswerRCodes maps to a response code ("NXDOMAIN").
	FieldAnswer = "answer"
	// FieldID joins replies to their queries (dnsmasq's serial number, a
	// DNS message id): any text.
	FieldID = "id"
	// FieldBytes is the response's size in bytes ("80", or "80b").
	FieldBytes = "bytes"
)

// fieldNames are the names a rule may capture, in the order errors list them.
var fieldNames = []string{FieldTime, FieldClient, FieldName, FieldQType, FieldRCode, FieldAnswer, FieldID, FieldBytes}

// Name encodings of query names.
const (
	// EncodingPlain is a name in presentation form ("www.example.com", a
	// trailing dot allowed).
	EncodingPlain = "plain"
	// EncodingWindows is the Windows DNS debug log's form:
	// "(3)www(7)example(3)com(0)", each label after its length.
	EncodingWindows = "windows"
)

// Unmatched line handling.
const (
	// UnmatchedBad reports a line that matches no rule as bad.
	UnmatchedBad = "bad"
	// UnmatchedSkip skips it (counted): for logs that hold other messages
	// than queries, such as syslog.
	UnmatchedSkip = "skip"
)

// LayoutUnix is the time layout of epoch seconds, with an optional
// fraction ("1700000000.123").
const LayoutUnix = "unix"

// DefaultJoinWindow is how long a query waits for its reply line.
const DefaultJoinWindow = 30 * time.Second

// maxPending bounds the queries waiting for their reply line.
const maxPending = 65536

// Format describes the lines of one DNS server's query log. The zero value
// is not usable: Load a format file, take a Preset, or fill one in and call
// Validate.
type Format struct {
	// Name names the format in reports ("bind", or the file's name).
	Name string `json:"name"`
	// Description says which server and configuration writes it.
	Description string `json:"description,omitempty"`
	// Base, in a format file, names the preset the file starts from: the
	// keys the file gives replace the preset's.
	Base string `json:"base,omitempty"`
	// TimeLayouts are Go time layouts tried in order on a time field
	// ("02-Jan-2006 15:04:05"), or LayoutUnix. A layout without a year
	// (syslog's "Jan _2 15:04:05") takes the year that puts the time
	// closest before the reference time (the file's modification time, or
	// now when following).
	TimeLayouts []string `json:"time_layouts,omitempty"`
	// TimeZone is the IANA zone of times without an offset: "Local"
	// (default, the zone of the machine reading the log) or "UTC", or a
	// zone name such as "Europe/Berlin".
	TimeZone string `json:"time_zone,omitempty"`
	// NameEncoding is how query names are written: EncodingPlain
	// (default) or EncodingWindows.
	NameEncoding string `json:"name_encoding,omitempty"`
	// JoinWindow is how long a query waits for its reply line, as a Go
	// duration ("30s", the default).
	JoinWindow string `json:"join_window,omitempty"`
	// Unmatched is what a line matching no rule is: UnmatchedBad (default)
	// or UnmatchedSkip.
	Unmatched string `json:"unmatched,omitempty"`
	// Lines are the line rules, tried in order; the first that matches
	// reads the line.
	Lines []Rule `json:"lines,omitempty"`
	// Regex, Separator and Fields, at the top level, are a one-rule
	// format's query rule: Lines must then be empty.
	Regex     string   `json:"regex,omitempty"`
	Separator string   `json:"separator,omitempty"`
	Fields    []string `json:"fields,omitempty"`

	// compiled state, set by Validate.
	loc    *time.Location
	window time.Duration
	rules  []*rule
	// replies: some rule is a reply rule; hasID: one captures an id;
	// nameJoin: queries are held by name too. idClient and nameClient:
	// every reply rule joining that way captures the client, so the join
	// key holds it (a DNS message id is per client).
	replies, hasID, nameJoin bool
	idClient, nameClient     bool
}

// Rule is one kind of line: a regex whose named groups capture fields, or a
// separator and the field each column holds.
type Rule struct {
	// Kind is KindQuery, KindReply, KindSkip or KindBad.
	Kind string `json:"kind"`
	// Description says what lines the rule is for.
	Description string `json:"description,omitempty"`
	// Regex is an RE2 regular expression; its named groups ((?P<name>…))
	// must be field names (time, client, name, qtype, rcode, answer, id,
	// bytes). It matches anywhere unless anchored with ^ and $.
	Regex string `json:"regex,omitempty"`
	// Separator splits a line into exactly len(Fields) columns, Fields
	// naming each column's field ("" or "-" for a column not read).
	Separator string   `json:"separator,omitempty"`
	Fields    []string `json:"fields,omitempty"`
	// AnswerRCodes maps the first word of an answer to a response code
	// (dnsmasq: "NXDOMAIN" → NXDOMAIN); a key ending in "*" maps the words
	// it starts ("NODATA*" → NOERROR for NODATA-IPv6). Such an answer is
	// a code, not data, and is not kept as an answer.
	AnswerRCodes map[string]string `json:"answer_rcodes,omitempty"`
	// DefaultRCode is the response code of a reply line that captures
	// none and whose answer AnswerRCodes does not map (dnsmasq: an
	// address is NOERROR).
	DefaultRCode string `json:"default_rcode,omitempty"`
	// PlaceholderNames are names a reply line writes for no name (dnsmasq
	// writes "error" for the query whose forward failed): such a reply
	// answers the newest query still unanswered when it has no id.
	PlaceholderNames []string `json:"placeholder_names,omitempty"`
}

// rule is a validated Rule.
type rule struct {
	Rule
	re *regexp.Regexp
	// group[f] is the regex group (or column) of field f, -1 without.
	group [numFields]int
}

// numFields is how many fields there are.
const numFields = 8

// fieldIndex is f's index in fieldNames, -1 for another name.
func fieldIndex(f string) int { return slices.Index(fieldNames, f) }

// has reports whether the rule captures field f.
func (r *rule) has(f string) bool { return r.group[fieldIndex(f)] >= 0 }

// ValidationError is a format that cannot be used, with where in its file.
type ValidationError struct {
	// File is the format file ("" for a format built in code).
	File string
	// Line is the 1-based line of the key at fault, 0 when unknown.
	Line int
	// Key is the key at fault ("lines[2].regex"), "" for the whole format.
	Key string
	// Reason says what is wrong.
	Reason string
}

// Error renders it as `file:line: key: reason`.
func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Validate checks f and compiles its rules; a Format is usable only after
// it returned nil (Load and Preset call it). Errors are *ValidationError
// naming the key at fault.
func (f *Format) Validate() error {
	bad := func(key, format string, args ...any) error {
		return &ValidationError{Key: key, Reason: fmt.Sprintf(format, args...)}
	}
	if strings.TrimSpace(f.Name) == "" {
		return bad("name", "no name")
	}
	if f.Regex != "" || f.Separator != "" || len(f.Fields) > 0 {
		if len(f.Lines) > 0 {
			return bad("regex", "give regex (or separator and fields) at the top, for a one-rule format, or lines, not both")
		}
		f.Lines = []Rule{{Kind: KindQuery, Regex: f.Regex, Separator: f.Separator, Fields: f.Fields}}
		f.Regex, f.Separator, f.Fields = "", "", nil
	}
	if len(f.Lines) == 0 {
		return bad("lines", "no line rules: give regex, or separator and fields, or lines")
	}
	zone := f.TimeZone
	if zone == "" {
		zone = "Local"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return bad("time_zone", "%q is not a time zone: %v", f.TimeZone, err)
	}
	f.loc = loc
	switch f.NameEncoding {
	case "", EncodingPlain, EncodingWindows:
	default:
		return bad("name_encoding", "%q: want %s or %s", f.NameEncoding, EncodingPlain, EncodingWindows)
	}
	switch f.Unmatched {
	case "", UnmatchedBad, UnmatchedSkip:
	default:
		return bad("unmatched", "%q: want %s or %s", f.Unmatched, UnmatchedBad, UnmatchedSkip)
	}
	f.window = DefaultJoinWindow
	if f.JoinWindow != "" {
		d, err := time.ParseDuration(f.JoinWindow)
		if err != nil || d <= 0 {
			return bad("join_window", "%q is not a positive duration such as 30s", f.JoinWindow)
		}
		f.window = d
	}
	for i, l := range f.TimeLayouts {
		if strings.TrimSpace(l) == "" {
			return bad(fmt.Sprintf("time_layouts[%d]", i), "empty layout")
		}
	}
	f.rules, f.replies, f.hasID, f.nameJoin = nil, false, false, false
	f.idClient, f.nameClient = true, true
	queries, times := 0, -1
	for i, l := range f.Lines {
		key := fmt.Sprintf("lines[%d]", i)
		r, err := compileRule(l)
		if err != nil {
			err.Key = key + "." + err.Key
			return err
		}
		switch r.Kind {
		case KindQuery:
			queries++
			if !r.has(FieldName) {
				return bad(key, "a query rule must capture the query name (a group or field named name)")
			}
		case KindReply:
			if !r.has(FieldName) && !r.has(FieldID) {
				return bad(key, "a reply rule must capture the id or the name of the query it answers")
			}
			// A reply line without an id (an optional group that did
			// not match, as in dnsmasq without log-queries=extra) joins
			// by name, so every query is held under its name too.
			f.replies, f.nameJoin = true, true
			f.nameClient = f.nameClient && r.has(FieldClient)
			if r.has(FieldID) {
				f.hasID = true
				f.idClient = f.idClient && r.has(FieldClient)
			}
		}
		if r.has(FieldTime) && times < 0 {
			times = i
		}
		f.rules = append(f.rules, r)
	}
	if queries == 0 {
		return bad("lines", "no query rule: at least one rule of kind query must capture the query name")
	}
	if times >= 0 && len(f.TimeLayouts) == 0 {
		return bad(fmt.Sprintf("lines[%d]", times), "captures time: give time_layouts, the layouts it is written in (Go layouts such as \"02-Jan-2006 15:04:05\", or %q)", LayoutUnix)
	}
	return nil
}

// compileRule checks one rule; its error's Key is relative to the rule.
func compileRule(l Rule) (*rule, *ValidationError) {
	bad := func(key, format string, args ...any) *ValidationError {
		return &ValidationError{Key: key, Reason: fmt.Sprintf(format, args...)}
	}
	switch l.Kind {
	case KindQuery, KindReply, KindSkip, KindBad:
	case "":
		return nil, bad("kind", "no kind: want %s, %s, %s or %s", KindQuery, KindReply, KindSkip, KindBad)
	default:
		return nil, bad("kind", "%q: want %s, %s, %s or %s", l.Kind, KindQuery, KindReply, KindSkip, KindBad)
	}
	r := &rule{Rule: l}
	for i := range r.group {
		r.group[i] = -1
	}
	switch {
	case l.Regex != "" && (l.Separator != "" || len(l.Fields) > 0):
		return nil, bad("regex", "give regex, or separator and fields, not both")
	case l.Regex != "":
		re, err := regexp.Compile(l.Regex)
		if err != nil {
			return nil, bad("regex", "%v", err)
		}
		r.re = re
		for g, name := range re.SubexpNames() {
			if name == "" {
				continue
			}
			i := fieldIndex(name)
			if i < 0 {
				return nil, bad("regex", "group %q is not a field: name groups %s (use (?:…) for groups not read)", name, strings.Join(fieldNames, ", "))
			}
			if r.group[i] >= 0 {
				return nil, bad("regex", "group %q appears twice", name)
			}
			r.group[i] = g
		}
	case l.Separator != "":
		if len(l.Fields) == 0 {
			return nil, bad("fields", "a separator needs fields: the field of each column")
		}
		for c, name := range l.Fields {
			if name == "" || name == "-" {
				continue
			}
			i := fieldIndex(name)
			if i < 0 {
				return nil, bad(fmt.Sprintf("fields[%d]", c), "%q is not a field: want %s, or \"-\" for a column not read", name, strings.Join(fieldNames, ", "))
			}
			if r.group[i] >= 0 {
				return nil, bad(fmt.Sprintf("fields[%d]", c), "%q appears twice", name)
			}
			r.group[i] = c
		}
	case len(l.Fields) > 0:
		return nil, bad("separator", "fields need a separator (\" \", \"\\t\", \",\")")
	default:
		return nil, bad("regex", "no regex, nor separator and fields")
	}
	if l.Kind == KindSkip || l.Kind == KindBad {
		if len(l.AnswerRCodes) > 0 || l.DefaultRCode != "" || len(l.PlaceholderNames) > 0 {
			return nil, bad("answer_rcodes", "only query and reply rules read answers")
		}
		return r, nil
	}
	for k, v := range l.AnswerRCodes {
		if strings.TrimSuffix(k, "*") == "" {
			return nil, bad("answer_rcodes", "an empty key")
		}
		if _, ok := normalRCode(v); !ok {
			return nil, bad("answer_rcodes", "%q maps to %q, not a response code mnemonic", k, v)
		}
	}
	if l.DefaultRCode != "" {
		if _, ok := normalRCode(l.DefaultRCode); !ok {
			return nil, bad("default_rcode", "%q is not a response code mnemonic", l.DefaultRCode)
		}
	}
	return r, nil
}

// answerRCode is the response code an answer's first word stands for.
func (r *rule) answerRCode(word string) (string, bool) {
	if rc, ok := r.AnswerRCodes[word]; ok {
		return rc, true
	}
	best, rc := "", ""
	for k, v := range r.AnswerRCodes {
		if p, ok := strings.CutSuffix(k, "*"); ok && strings.HasPrefix(word, p) && len(p) > len(best) {
			best, rc = p, v
		}
	}
	return rc, best != ""
}
