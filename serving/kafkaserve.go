package serving

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mlctl/mlctl"
)

// readsDNS reports whether the scorer reads a DNS source.
func (c *Config) readsDNS() bool {
	return c.ZeekDNS != "" || c.Dnstap != "" || c.DNSLog != "" || c.KafkaDNS != nil
}

// kafkaGroups gives the Kafka inputs without a group their default (on
// copies: the caller's stay as they were) and refuses one group reading a
// topic for both inputs, which would split its partitions between them.
func (c *Config) kafkaGroups() error {
	for _, in := range []struct {
		p      **KafkaInput
		source string
	}{{&c.KafkaDNS, SourceKafkaDNS}, {&c.KafkaConn, SourceKafkaConn}} {
		if *in.p == nil {
			continue
		}
		cp := **in.p
		if len(cp.Brokers) == 0 || len(cp.Topics) == 0 {
			return mlctl.Errorf(mlctl.EINVALID, "serve: --%s: no broker or no topic", in.source)
		}
		if cp.Group == "" {
			cp.Group = DefaultKafkaGroup(c.Alias, in.source)
		}
		*in.p = &cp
	}
	if d, f := c.KafkaDNS, c.KafkaConn; d != nil && f != nil && d.Group == f.Group {
		for _, t := range d.Topics {
			if slices.Contains(f.Topics, t) {
				return mlctl.Errorf(mlctl.EINVALID, "serve: --kafka-dns and --kafka-conn both read topic %s in group %s: the group would split its partitions between them; give them different groups", t, d.Group)
			}
		}
	}
	return nil
}

// newKafkaConsumer makes (and keeps, for tests and status) the consumer
// of a Kafka input.
func (s *Server) newKafkaConsumer(in KafkaInput, source string, ready func(context.Context) bool, handle func([]*kgo.Record) func(context.Context) bool) *kafkaConsumer {
	c := &kafkaConsumer{in: in, source: source, fromEnd: s.cfg.FromEnd, log: s.log, ready: ready, handle: handle, report: s.kafkaProblems(source)}
	s.kafkaMu.Lock()
	defer s.kafkaMu.Unlock()
	if s.kafka == nil {
		s.kafka = map[string]*kafkaConsumer{}
	}
	s.kafka[source] = c
	return c
}

// kafkaConsumer returns the consumer of a source once Run made it (nil
// before, or for a source not read).
func (s *Server) kafkaConsumer(source string) *kafkaConsumer {
	s.kafkaMu.Lock()
	defer s.kafkaMu.Unlock()
	return s.kafka[source]
}

// aliasChecked waits for the alias's first check (the model it points at,
// if any, is in service); false when ctx ended first.
func (s *Server) aliasChecked(ctx context.Context) bool {
	select {
	case <-s.watcher.Checked():
		return true
	case <-ctx.Done():
		return false
	}
}

// modelReady waits for a model in service: a DNS consumer that joined its
// group without one would hold partitions it cannot score, stalling them
// and every rebalance of the group.
func (s *Server) modelReady(ctx context.Context) bool {
	if !s.aliasChecked(ctx) {
		return false
	}
	for s.holder.Get() == nil {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
	return true
}

// kafkaProblemEvery is how often a Kafka source logs fetch and commit
// errors (kgo retries them); the others are dropped.
const kafkaProblemEvery = 10 * time.Second

// kafkaProblems logs a Kafka source's fetch and commit errors, at most one
// each kafkaProblemEvery.
func (s *Server) kafkaProblems(source string) func(error) {
	var mu sync.Mutex
	var last time.Time
	return func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) < kafkaProblemEvery {
			return
		}
		last = time.Now()
		s.log.Warn("kafka", "source", source, "error", err)
	}
}
