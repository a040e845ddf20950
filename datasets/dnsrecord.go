package datasets

import "time"

// DNSRecord is one DNS query, or one response, as a resolver's log shows
// it: a line of a Zeek dns.log (a query and, when Zeek saw it, its answer)
// or a dnstap CLIENT_QUERY or CLIENT_RESPONSE message. The dns-domain
// features (features/dnsdomain) aggregate them per registrable domain and
// window; readers of both formats, the tunnel generators and the scorer's
// live sources all produce this type, so ingest and serving count alike.
type DNSRecord struct {
	// Time is when the query was asked (the log's ts, the dnstap query or
	// response time), in UTC.
	Time time.Time
	// Client is the address that asked (id.orig_h, the dnstap query
	// address), "" when the source does not say.
	Client string
	// Name is the question's name as given, without a trailing dot.
	Name string
	// QType is the query type's mnemonic ("A", "TXT", "NULL", "TYPE65"),
	// "" when the source does not say.
	QType string
	// RCode is the response code's mnemonic ("NOERROR", "NXDOMAIN"), ""
	// when no answer was seen (a dnstap query, a dns.log line without one).
	RCode string
	// Response marks a dnstap CLIENT_RESPONSE: it tells the answer of a
	// query counted from its CLIENT_QUERY, so the features take its RCode
	// and ResponseBytes and do not count it as another query. A dns.log
	// line is a query with its answer in one record: Response is false.
	Response bool
	// ResponseBytes is the size of the response message on the wire, 0 when
	// unknown (Zeek's dns.log does not log it; a dnstap response does).
	ResponseBytes int
	// Answers are the answers as the source gives them (Zeek's answers
	// column; a dnstap response's TXT records), nil when none were seen.
	Answers []string
	// Label is -1 unknown, 0 benign, 1 malicious: from a label column of
	// the log, when it has one.
	Label int
	// Family is the family (tunnel tool) column's value, "" when none.
	Family string
}
