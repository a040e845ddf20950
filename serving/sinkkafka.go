package serving

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/registry"
)

// kafkaWriter produces alerts to a Kafka topic with franz-go's kgo
// producer (idempotent, acks from all in-sync replicas), an ECSAlert a
// record keyed by the alert's client IP (else its domain, else its
// input), so one client's alerts land on one partition, in order. Records
// the brokers fail with a retriable error (after kgo's own retries within
// the try's timeout) are sent again; others (a record too large, say) are
// refused.
type kafkaWriter struct {
	client *kgo.Client
	topic  string
}

func newKafkaWriter(topic string, opts ...kgo.Opt) (*kafkaWriter, error) {
	opts = append(opts, kgo.DefaultProduceTopic(topic), kgo.RequiredAcks(kgo.AllISRAcks()), kgo.ClientID("mlctl-serve"))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, mlctl.Errorf(mlctl.EINVALID, "kafka: %v", err)
	}
	return &kafkaWriter{client: cl, topic: topic}, nil
}

// kafkaKey is the record key of a: who the alert is about.
func kafkaKey(a *registry.Alert) []byte {
	switch {
	case a.ClientIP != "":
		return []byte(a.ClientIP)
	case a.Domain != "":
		return []byte(a.Domain)
	}
	return []byte(a.Input)
}

func (w *kafkaWriter) send(ctx context.Context, alerts []registry.Alert) error {
	recs := make([]*kgo.Record, 0, len(alerts))
	for i := range alerts {
		v, err := json.Marshal(NewECSAlert(&alerts[i]))
		if err != nil {
			return mlctl.Errorf(mlctl.EINVALID, "kafka: alert %s: %v", alerts[i].UID, err)
		}
		recs = append(recs, &kgo.Record{Key: kafkaKey(&alerts[i]), Value: v})
	}
	results := w.client.ProduceSync(ctx, recs...)
	var retry []registry.Alert
	refused := 0
	var first error
	for i, r := range results {
		if r.Err == nil {
			continue
		}
		if first == nil {
			first = fmt.Errorf("kafka: topic %s: %w", w.topic, r.Err)
		}
		if kafkaRetriable(r.Err) {
			retry = append(retry, alerts[i])
		} else {
			refused++
		}
	}
	if first == nil {
		return nil
	}
	return &sendError{Retry: retry, Refused: refused, Err: first}
}

// kafkaRetriable tells whether a record failed for a while (brokers down,
// the try's time up, a leader moving) rather than for good.
func kafkaRetriable(err error) bool {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Retriable || ke == kerr.UnknownTopicOrPartition || ke == kerr.TopicAuthorizationFailed ||
			ke == kerr.SaslAuthenticationFailed || ke == kerr.ClusterAuthorizationFailed
	}
	return true // not a broker's answer: the brokers unreachable, the try's time up
}

func (w *kafkaWriter) close() error {
	w.client.Close()
	return nil
}
