package serving

import (
	"context"
	"errors"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/datasets/dnslog"
)

// SourceDNSLog is the Query.Source of names read from a DNS server's query
// log (BIND, dnsmasq, Pi-hole, CoreDNS, Windows DNS; --dns-log).
const SourceDNSLog = "dns-log"

// DNSLog follows a DNS server's query log, read with a dnslog.Format (a
// preset or a format file), and emits its queries. A reply line joined to
// its query is a response record (Query.Response, its RCode): every record
// goes to Observe (the domain windows count answers from them, as from
// dnstap responses), but only queries are emitted to be scored, and the
// responses that carry TXT answers (what a txt model scores; dnsmasq logs
// a TXT answer's text).
//
// Counting: every line is Read, and then exactly one of Parsed (a record
// was made), Skipped (a line the format skips: blank, a header, a line of
// another kind, a reply whose query was not seen or already answered) or
// Bad (reported through Bad as a *LineError naming the field). A rotated
// file (rename or copytruncate) is followed as Follow does; queries still
// waiting for their reply line are kept across the rotation.
type DNSLog struct {
	// Path is the log to follow; it may not exist yet and may be rotated.
	Path string
	// Format reads its lines.
	Format *dnslog.Format
	// FromEnd starts at the end of the file.
	FromEnd bool
	// Poll is how often the file is polled (default 250 ms).
	Poll time.Duration
	// Counters receives the running totals; nil keeps none.
	Counters *SourceCounters
	// Bad receives each bad line once, and problems with following the
	// file; nil drops them.
	Bad func(error)
	// Emit receives each query to score, from one goroutine, in file
	// order; Observe, when set, receives every record first.
	Emit    func(Query)
	Observe func(Query)
	// Now is the reference time: the time of lines without one, and what
	// gives a time written without a year its year (default time.Now).
	Now func() time.Time
}

// Run follows Path until ctx is cancelled, then returns nil. It returns an
// error when Path cannot be read.
func (d *DNSLog) Run(ctx context.Context) error {
	counters := d.Counters
	if counters == nil {
		counters = new(SourceCounters)
	}
	bad := d.Bad
	if bad == nil {
		bad = func(error) {}
	}
	now := d.Now
	if now == nil {
		now = time.Now
	}
	p := d.Format.NewParser(d.Path, now)
	opts := FollowOptions{
		FromEnd: d.FromEnd,
		Poll:    d.Poll,
		Bad: func(err error) {
			var le *LineError
			if errors.As(err, &le) {
				counters.Read.Add(1)
				counters.Bad.Add(1)
			}
			bad(err)
		},
	}
	return Follow(ctx, d.Path, opts, func(text string, n int) {
		counters.Read.Add(1)
		rec, ok, err := p.Parse(text, n)
		var le *dnslog.LineError
		switch {
		case errors.As(err, &le):
			counters.Bad.Add(1)
			b := le.BadRow()
			reason := b.Reason
			if b.Value != "" {
				reason += ": " + zeekDNSQuote(b.Value)
			}
			bad(&LineError{File: b.File, Line: b.Line, Field: b.Field, Reason: reason})
		case err != nil:
			counters.Bad.Add(1)
			bad(err)
		case !ok:
			counters.Skipped.Add(1)
		default:
			counters.Parsed.Add(1)
			q := queryOfRecord(rec)
			if d.Observe != nil {
				d.Observe(q)
			}
			if d.Emit != nil && (!q.Response || q.TXT != nil) {
				d.Emit(q)
			}
		}
	})
}

// queryOfRecord is a dns-log record as the scorer takes it: a TXT query's
// answers are its TXT records.
func queryOfRecord(r datasets.DNSRecord) Query {
	q := Query{Source: SourceDNSLog, Time: r.Time, ClientIP: r.Client, Name: r.Name, RCode: r.RCode, QType: r.QType,
		Response: r.Response, ResponseBytes: r.ResponseBytes, Label: r.Label, Family: r.Family}
	if isTXTQuery(r.QType) && len(r.Answers) > 0 {
		q.TXT = r.Answers
	}
	return q
}
