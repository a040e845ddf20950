// Package serving is the scorer: a model holder that swaps atomically when
// an alias moves, the traffic sources that feed it (HTTP, Zeek logs,
// dnstap), alert sinks, heartbeats and metrics.
package serving

import (
	"sync/atomic"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/prefilter"
)

// Query is one DNS name seen by a source, with the TXT records answered
// for it if the source saw any, waiting to be scored: a domain-name model
// scores Name, a TXT model scores each of TXT.
type Query struct {
	// Source names where it came from: "http", "zeek-dns", "dnstap".
	Source string
	// Time is when the source saw it (the log's ts, the dnstap message
	// time), or when it was read if the source has none.
	Time time.Time
	// ClientIP is the address that asked, "" when the source does not say.
	ClientIP string
	// Name is the queried name as the source gave it (not normalised).
	Name string
	// RCode is the response code the query was answered with, as its
	// mnemonic ("NOERROR", "NXDOMAIN", ...): a dns.log's rcode_name, a
	// dnstap response's header. "" when the source did not see an answer
	// (a dnstap query, a dns.log record without rcode_name).
	RCode string
	// TXT holds the TXT records answered for Name, raw as the source gave
	// them (not normalised), one per TXT resource record: a Zeek dns.log's
	// answers of a TXT query (Zeek's "TXT <n> " prefixes and all), a dnstap
	// response's TXT records with their character-strings concatenated.
	// Nil when the source saw none.
	TXT []string
	// QType is the query type's mnemonic ("A", "TXT", "NULL"), "" when
	// the source does not say.
	QType string
	// Response marks a dnstap CLIENT_RESPONSE (the answer of a query whose
	// CLIENT_QUERY came, or comes, separately); ResponseBytes is its size
	// on the wire, 0 when unknown.
	Response      bool
	ResponseBytes int
	// Label and Family are a labeled dns.log's label (0 benign, 1
	// malicious) and family columns; Label is -1 without one. Ingest reads
	// them; the scorer does not.
	Label  int
	Family string
	// ack, when set, is told once the query was scored (see ack.go).
	ack *ack
}

// Record is the query as the dns-domain features take it.
func (q *Query) Record() datasets.DNSRecord {
	r := datasets.DNSRecord{Time: q.Time, Client: q.ClientIP, Name: q.Name, QType: q.QType, RCode: q.RCode, Response: q.Response,
		ResponseBytes: q.ResponseBytes, Label: q.Label, Family: q.Family}
	if q.TXT != nil {
		r.Answers = q.TXT
	}
	return r
}

// SourceCounters are one source's running totals, safe for concurrent use.
type SourceCounters struct {
	// Read counts lines or frames taken from the source.
	Read atomic.Uint64
	// Parsed counts those that parsed into a query or flow.
	Parsed atomic.Uint64
	// Bad counts those that did not parse (each also reported once).
	Bad atomic.Uint64
	// Skipped counts parsed records with nothing to score (a header, a
	// response when only queries are scored, a name that is not a domain)
	// and, while a TXT model is in service, each query without TXT records
	// and each TXT record that is not usable (empty, not UTF-8, too long).
	Skipped atomic.Uint64
	// Scored counts inputs scored: names, or TXT records (a query may
	// bring several).
	Scored atomic.Uint64
	// Dropped counts inputs dropped because the scoring queue was full.
	Dropped atomic.Uint64
	// Prefiltered counts, by reason, names a domain-name model never
	// scored (see prefilter.go); they are neither Scored nor Skipped.
	Prefiltered prefilter.Counts
}
