package serving

import (
	"context"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mlctl/mlctl/datasets"
)

// SourceKafkaConn is the source name of Zeek conn.log records consumed
// from Kafka (`serve --kafka-conn`): in its alerts, its counters and its
// bad records.
const SourceKafkaConn = "kafka-conn"

// kafkaConn handles the records of a Kafka topic of Zeek conn.log records
// in JSON, bare or wrapped as {"conn": {...}}, with the conn.log parser
// of the file source, into a connSource's checks and flow windows (the
// flow path of --zeek-conn). A poll is handled once its connections are
// in the windows; a window still open when the scorer dies is lost, as
// with a file. Records wrapped for another log are skipped.
type kafkaConn struct {
	flows  *connSource
	parser *datasets.ConnParser
	// ctx is the scorer's: alerts are raised under it.
	ctx context.Context
}

func newKafkaConn(ctx context.Context, flows *connSource) *kafkaConn {
	return &kafkaConn{flows: flows, parser: datasets.NewConnParser(SourceKafkaConn), ctx: ctx}
}

// handle takes one poll into the flow windows; its wait has nothing to
// wait for.
func (k *kafkaConn) handle(recs []*kgo.Record) func(context.Context) bool {
	c := k.flows.counters
	for _, r := range recs {
		eachZeekLine(r.Value, func(text string, line int) {
			c.Read.Add(1)
			bare, other, err := unwrapZeekJSON(text, "conn")
			switch {
			case err != nil:
				k.reject(r, line, err)
				return
			case other != "":
				c.Skipped.Add(1)
				return
			}
			// Never line 1: a JSON record needs no header to reset.
			rec, ok, err := k.parser.Line(bare, 0)
			switch {
			case err != nil:
				k.reject(r, line, err)
			case !ok:
				c.Skipped.Add(1)
			default:
				k.flows.take(k.ctx, rec)
			}
		})
	}
	return func(context.Context) bool { return true }
}

func (k *kafkaConn) reject(r *kgo.Record, line int, err error) {
	k.flows.counters.Bad.Add(1)
	k.flows.bad(SourceKafkaConn, kafkaRecordError(r, line, err))
}
