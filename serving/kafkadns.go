package serving

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// SourceKafkaDNS is the Query.Source of names consumed from Kafka
// (`serve --kafka-dns`): in its alerts, its counters and its bad records.
const SourceKafkaDNS = "kafka-dns"

// kafkaDNS handles the records of a Kafka topic of Zeek dns.log records in
// JSON, bare or wrapped as {"dns": {...}}, with the dns.log parser of the
// file source: each query is observed by the domain windows and queued for
// scoring with the poll's ack, so the poll is committed once scored.
// Records wrapped for another log (a topic carrying several) are skipped.
//
// Counting: each Zeek record (a value may hold several, one a line) is
// Read, then Parsed, Skipped or Bad (reported as a *KafkaRecordError);
// the pipeline counts Scored, Skipped and Prefiltered as for the files.
type kafkaDNS struct {
	counters *SourceCounters
	bad      func(error)
	put      func(Query)
	observe  func(Query) // nil: no domain windows
	parser   *zeekDNSParser
	// at is the record being handled: its Kafka timestamp is the time of
	// a Zeek record without ts.
	at time.Time
}

func newKafkaDNS(counters *SourceCounters, bad func(error), put, observe func(Query)) *kafkaDNS {
	k := &kafkaDNS{counters: counters, bad: bad, put: put, observe: observe, parser: newZeekDNSParser(SourceKafkaDNS)}
	k.parser.now = func() time.Time { return k.at }
	return k
}

// handle queues one poll's queries; its wait returns once they were
// scored (true), or when finish ended first or the pipeline dropped one
// (false).
func (k *kafkaDNS) handle(recs []*kgo.Record) func(finish context.Context) bool {
	a := newAck()
	for _, r := range recs {
		k.at = r.Timestamp
		eachZeekLine(r.Value, func(text string, line int) {
			k.counters.Read.Add(1)
			bare, other, err := unwrapZeekJSON(text, "dns")
			switch {
			case err != nil:
				k.reject(r, line, err)
				return
			case other != "":
				k.counters.Skipped.Add(1)
				return
			}
			q, ok, err := k.parser.parseJSON(bare, line)
			switch {
			case err != nil:
				k.reject(r, line, err)
				return
			case !ok:
				k.counters.Skipped.Add(1)
				return
			}
			k.counters.Parsed.Add(1)
			q.Source = SourceKafkaDNS
			if k.observe != nil {
				k.observe(q)
			}
			q.ack = a
			a.add()
			k.put(q)
		})
	}
	a.seal()
	return a.wait
}

func (k *kafkaDNS) reject(r *kgo.Record, line int, err error) {
	k.counters.Bad.Add(1)
	k.bad(kafkaRecordError(r, line, err))
}
