package serving

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Defaults of a kafkaConsumer.
const (
	// kafkaMaxPoll bounds the records of one poll, kafkaInFlight the
	// polls handed to the pipeline before they are waited for and marked:
	// together how long a rebalance may wait for this member.
	kafkaMaxPoll  = 4096
	kafkaInFlight = 4
	// kafkaIdleDrain is how long a poll waits for records while polls are
	// in flight; then they are waited for and marked.
	kafkaIdleDrain = 50 * time.Millisecond
	// kafkaFinishGrace bounds how long a stopping consumer waits for the
	// records it handed to the pipeline to be scored before it commits.
	kafkaFinishGrace = 30 * time.Second
	// kafkaCommitTimeout bounds the last commit.
	kafkaCommitTimeout = 10 * time.Second
)

// kafkaConsumer is one member of a consumer group reading a Kafka input.
// Offsets are committed only for records handled: each poll (at most
// kafkaMaxPoll records) is handed to handle, whose wait returns once every
// record was scored (or parsed bad, or skipped); then the poll's records
// are marked, and the marks are committed every 5 s, before a partition
// is revoked (rebalances wait until the polls in flight are handled and
// marked) and when the consumer stops. Delivery is at least once: a scorer that dies loses no
// record, and the records it handled since its last commit are scored
// again by whichever member takes their partition.
type kafkaConsumer struct {
	in      KafkaInput
	source  string
	fromEnd bool
	log     *slog.Logger
	// ready waits until records can be handled (the alias checked, a
	// model loaded); false when ctx ended first. The consumer joins its
	// group only then, so a scorer that cannot score holds no partition.
	ready func(ctx context.Context) bool
	// handle takes one poll's records, in partition order, and returns
	// a wait that reports whether every record was handled (scored, bad
	// or skipped); finish ends a while after the scorer stops, bounding
	// waits for the pipeline.
	handle func(recs []*kgo.Record) (wait func(finish context.Context) bool)
	// report receives problems that are not bad records: fetch and
	// commit errors.
	report func(error)

	// blocked is set when a rebalance waits for the polls in flight.
	blocked atomic.Bool

	mu       sync.Mutex
	assigned map[string][]int32
}

// kafkaPoll is a poll handed to the pipeline and its wait.
type kafkaPoll struct {
	recs []*kgo.Record
	wait func(finish context.Context) bool
}

// Run consumes until ctx ends, then commits what was handled and leaves
// the group. It returns an error only when the client cannot be made.
func (c *kafkaConsumer) Run(ctx context.Context) error {
	if !c.ready(ctx) {
		return nil
	}
	opts, err := c.in.clientOpts()
	if err != nil {
		return err
	}
	start := kgo.NewOffset().AtStart()
	if c.fromEnd {
		start = kgo.NewOffset().AtEnd()
	}
	opts = append(opts,
		kgo.ClientID("mlctl-"+c.source),
		kgo.ConsumerGroup(c.in.Group),
		kgo.ConsumeTopics(c.in.Topics...),
		kgo.ConsumeResetOffset(start),
		kgo.BlockRebalanceOnPoll(),
		kgo.AutoCommitMarks(),
		kgo.OnPartitionsAssigned(c.onAssigned),
		kgo.OnPartitionsRevoked(c.onRevoked),
		kgo.OnPartitionsLost(c.onLost),
		kgo.OnPartitionsCallbackBlocked(func(context.Context, *kgo.Client) { c.blocked.Store(true) }),
	)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return err
	}
	c.log.Info("kafka consumer joining its group", "source", c.source, "input", c.in.String())
	finish, stopFinish := context.WithCancel(context.WithoutCancel(ctx))
	defer stopFinish()
	stopAfter := context.AfterFunc(ctx, func() { time.AfterFunc(kafkaFinishGrace, stopFinish) })
	defer stopAfter()
	// Polls are handled while the ones before them are scored; they are
	// marked in order as they are done, at the latest every kafkaInFlight
	// polls, after a poll that found nothing for kafkaIdleDrain, when a
	// rebalance waits, and when the consumer stops.
	var pending []kafkaPoll
	drain := func() bool {
		defer func() { pending = pending[:0] }()
		for _, p := range pending {
			if !p.wait(finish) {
				// Stopping before the pipeline scored them: not marked,
				// so whoever consumes the partitions next scores them.
				return false
			}
			cl.MarkCommitRecords(p.recs...)
		}
		return true
	}
	ok := true
	for ok && ctx.Err() == nil {
		pctx, cancel := ctx, context.CancelFunc(func() {})
		if len(pending) > 0 {
			pctx, cancel = context.WithTimeout(ctx, kafkaIdleDrain)
		}
		fs := cl.PollRecords(pctx, kafkaMaxPoll)
		cancel()
		if fs.IsClientClosed() {
			break
		}
		failed := false
		fs.EachError(func(topic string, p int32, err error) {
			if pctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return
			}
			failed = true
			c.report(kafkaFetchError{topic, p, err})
		})
		recs := fs.Records()
		if len(recs) > 0 {
			pending = append(pending, kafkaPoll{recs, c.handle(recs)})
		}
		if len(recs) == 0 || len(pending) >= kafkaInFlight || c.blocked.Swap(false) {
			ok = drain()
			cl.AllowRebalance()
		}
		if failed && len(recs) == 0 {
			select { // a broken connection or ACL: do not spin
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
	if ok {
		drain()
	}
	cl.AllowRebalance()
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), kafkaCommitTimeout)
	defer cancel()
	if err := cl.CommitMarkedOffsets(cctx); err != nil {
		c.report(kafkaCommitError{err})
	}
	cl.Close() // leaves the group (its revoke commits nothing more)
	c.log.Info("kafka consumer left its group", "source", c.source, "group", c.in.Group)
	return nil
}

// Assigned is the partitions this member holds now, by topic.
func (c *kafkaConsumer) Assigned() map[string][]int32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string][]int32, len(c.assigned))
	for t, ps := range c.assigned {
		out[t] = append([]int32(nil), ps...)
	}
	return out
}

func (c *kafkaConsumer) onAssigned(_ context.Context, _ *kgo.Client, got map[string][]int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.assigned == nil {
		c.assigned = map[string][]int32{}
	}
	for t, ps := range got {
		c.assigned[t] = append(c.assigned[t], ps...)
	}
	c.log.Info("kafka partitions assigned", "source", c.source, "group", c.in.Group, "partitions", got)
}

// onRevoked commits the marks before the partitions go to another member:
// rebalances wait while a poll is handled, so every record polled from
// them was handled and marked.
func (c *kafkaConsumer) onRevoked(ctx context.Context, cl *kgo.Client, lost map[string][]int32) {
	if err := cl.CommitMarkedOffsets(ctx); err != nil {
		c.report(kafkaCommitError{err})
	}
	c.forget(lost)
	if len(lost) > 0 {
		c.log.Info("kafka partitions revoked; handled records committed", "source", c.source, "group", c.in.Group, "partitions", lost)
	}
}

// onLost forgets partitions taken away without a chance to commit (the
// session expired): their records since the last commit are scored again.
func (c *kafkaConsumer) onLost(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	c.forget(lost)
	if len(lost) > 0 {
		c.log.Warn("kafka partitions lost (session expired); records since the last commit will be scored again", "source", c.source, "group", c.in.Group, "partitions", lost)
	}
}

func (c *kafkaConsumer) forget(gone map[string][]int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for t, ps := range gone {
		keep := c.assigned[t][:0]
		for _, p := range c.assigned[t] {
			drop := false
			for _, q := range ps {
				drop = drop || p == q
			}
			if !drop {
				keep = append(keep, p)
			}
		}
		if len(keep) == 0 {
			delete(c.assigned, t)
		} else {
			c.assigned[t] = keep
		}
	}
}

// kafkaFetchError is a partition's fetch failing (kgo retries it).
type kafkaFetchError struct {
	topic     string
	partition int32
	err       error
}

func (e kafkaFetchError) Error() string {
	return fmt.Sprintf("fetch topic %s partition %d: %v", e.topic, e.partition, e.err)
}

func (e kafkaFetchError) Unwrap() error { return e.err }

// kafkaCommitError is a commit failing: the records since the last
// commit that went through are scored again after a rebalance.
type kafkaCommitError struct{ err error }

func (e kafkaCommitError) Error() string {
	return "commit offsets (records since the last commit will be scored again after a rebalance): " + e.err.Error()
}

func (e kafkaCommitError) Unwrap() error { return e.err }
