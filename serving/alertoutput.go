package serving

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/registry"
)

// alertWriter is where an AlertOutput sends alerts: an ECS file, a syslog
// collector, Elasticsearch, Splunk HEC, a Kafka topic. send takes a batch
// whole and returns nil, or an error: a *sendError says which alerts to
// try again and how many the peer refused for good; an error coded
// mlctl.EINVALID refuses the whole batch; any other error has the whole
// batch tried again. close releases the writer once no send runs.
type alertWriter interface {
	send(ctx context.Context, alerts []registry.Alert) error
	close() error
}

// sendError is a batch taken in part: Retry are the alerts to send again,
// Refused how many the peer will never take (dropped and counted).
type sendError struct {
	Retry   []registry.Alert
	Refused int
	Err     error
}

func (e *sendError) Error() string { return e.Err.Error() }
func (e *sendError) Unwrap() error { return e.Err }

// reopener is an alertWriter that reopens its file (on SIGHUP).
type reopener interface{ reopen() error }

// Defaults of OutputOptions.
const (
	DefaultSinkBuffer       = 10000
	DefaultSinkBatch        = 500
	DefaultSinkTimeout      = 10 * time.Second
	DefaultSinkFlushTimeout = 5 * time.Second
	DefaultSinkRetryMin     = 250 * time.Millisecond
	DefaultSinkRetryMax     = 30 * time.Second
)

// OutputOptions configure every AlertOutput of a scorer (zero fields take
// the defaults above).
type OutputOptions struct {
	// Buffer is how many alerts wait in memory for the output; beyond it
	// the oldest waiting are dropped (and counted).
	Buffer int
	// Batch is the most alerts sent in one go.
	Batch int
	// Timeout bounds one try (a connection, a request, a produce).
	Timeout time.Duration
	// FlushTimeout is how long Close keeps delivering what waits.
	FlushTimeout time.Duration
	// RetryMin and RetryMax bound the backoff between tries of a batch
	// (doubling from RetryMin up to RetryMax).
	RetryMin, RetryMax time.Duration
	// Hostname names this host in syslog headers and HEC events (default:
	// os.Hostname).
	Hostname string
	// Getenv reads the secrets a URL may leave to the environment
	// (default os.Getenv).
	Getenv func(string) string
}

func (o OutputOptions) withDefaults() OutputOptions {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if o.Buffer <= 0 {
		o.Buffer = DefaultSinkBuffer
	}
	if o.Batch <= 0 {
		o.Batch = DefaultSinkBatch
	}
	def(&o.Timeout, DefaultSinkTimeout)
	def(&o.FlushTimeout, DefaultSinkFlushTimeout)
	def(&o.RetryMin, DefaultSinkRetryMin)
	def(&o.RetryMax, DefaultSinkRetryMax)
	return o
}

// AlertOutput is one --sink: alerts offered to it wait in a bounded
// in-memory buffer, and its own goroutine sends them in batches, trying a
// batch again with exponential backoff until it is taken. Offer never
// waits: when the buffer is full the oldest alerts waiting are dropped
// and counted, so scoring never waits for a SIEM, and once the peer is
// back it gets the newest alerts first-hand (every alert is in the
// registry all the same).
type AlertOutput struct {
	name string
	w    alertWriter
	log  *slog.Logger
	o    OutputOptions

	mu         sync.Mutex
	ring       []registry.Alert
	head, size int
	closed     bool

	wake    chan struct{}
	closing chan struct{}
	done    chan struct{}
	ctx     context.Context // cancelled when the flush deadline passes
	cancel  context.CancelFunc

	delivered, retried, dropped, failures atomic.Uint64

	logMu       sync.Mutex
	lastDropLog time.Time
	dropsSince  uint64
	lastFailLog time.Time
}

func newAlertOutput(name string, w alertWriter, o OutputOptions, log *slog.Logger) *AlertOutput {
	o = o.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	out := &AlertOutput{name: name, w: w, log: log.With("sink", name), o: o, ring: make([]registry.Alert, o.Buffer),
		wake: make(chan struct{}, 1), closing: make(chan struct{}), done: make(chan struct{}), ctx: ctx, cancel: cancel}
	go out.run()
	return out
}

// Name is the output's name in metrics, counters and logs: its URL
// without credentials or query.
func (out *AlertOutput) Name() string { return out.name }

// Offer queues alerts for the output without waiting, dropping the
// oldest waiting when the buffer is full.
func (out *AlertOutput) Offer(alerts []registry.Alert) {
	if len(alerts) == 0 {
		return
	}
	var lost int
	out.mu.Lock()
	if out.closed {
		out.mu.Unlock()
		out.drop(len(alerts), errors.New("output closed"))
		return
	}
	n := len(out.ring)
	if len(alerts) > n {
		lost += len(alerts) - n
		alerts = alerts[len(alerts)-n:]
	}
	for _, a := range alerts {
		if out.size == n {
			out.ring[out.head] = registry.Alert{}
			out.head = (out.head + 1) % n
			out.size--
			lost++
		}
		out.ring[(out.head+out.size)%n] = a
		out.size++
	}
	out.mu.Unlock()
	if lost > 0 {
		out.drop(lost, fmt.Errorf("buffer full (%d alerts): the oldest dropped", n))
	}
	select {
	case out.wake <- struct{}{}:
	default:
	}
}

// take removes up to max alerts from the head of the buffer.
func (out *AlertOutput) take(max int) []registry.Alert {
	out.mu.Lock()
	defer out.mu.Unlock()
	k := min(max, out.size)
	if k == 0 {
		return nil
	}
	n := len(out.ring)
	batch := make([]registry.Alert, k)
	for i := range batch {
		j := (out.head + i) % n
		batch[i] = out.ring[j]
		out.ring[j] = registry.Alert{}
	}
	out.head = (out.head + k) % n
	out.size -= k
	return batch
}

// Buffered is how many alerts wait in the buffer.
func (out *AlertOutput) Buffered() int {
	out.mu.Lock()
	defer out.mu.Unlock()
	return out.size
}

// run sends what the buffer holds until Close, then what is left until
// the flush deadline.
func (out *AlertOutput) run() {
	defer close(out.done)
	for {
		if out.ctx.Err() != nil {
			if rest := out.take(len(out.ring)); len(rest) > 0 {
				out.drop(len(rest), errors.New("not delivered within the flush timeout at shutdown"))
			}
			return
		}
		batch := out.take(out.o.Batch)
		if len(batch) == 0 {
			select {
			case <-out.wake:
				continue
			case <-out.closing:
				if out.Buffered() == 0 {
					return
				}
				continue
			}
		}
		out.deliver(batch)
	}
}

// deliver sends batch until every alert in it is taken or refused, or the
// flush deadline passes (the rest is dropped).
func (out *AlertOutput) deliver(batch []registry.Alert) {
	backoff := out.o.RetryMin
	for len(batch) > 0 {
		ctx, cancel := context.WithTimeout(out.ctx, out.o.Timeout)
		err := out.w.send(ctx, batch)
		cancel()
		if err == nil {
			out.delivered.Add(uint64(len(batch)))
			return
		}
		retry, refused := batch, 0
		var se *sendError
		switch {
		case errors.As(err, &se):
			retry, refused = se.Retry, se.Refused
		case mlctl.ErrorCode(err) == mlctl.EINVALID:
			retry, refused = nil, len(batch)
		}
		out.delivered.Add(uint64(len(batch) - len(retry) - refused))
		if refused > 0 {
			out.drop(refused, fmt.Errorf("refused, never to be taken: %w", err))
		}
		if len(retry) == 0 {
			return
		}
		out.failures.Add(1)
		out.logFailure(len(retry), backoff, err)
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-out.ctx.Done():
			t.Stop()
			out.drop(len(retry), fmt.Errorf("not delivered within the flush timeout at shutdown: %w", err))
			return
		}
		out.retried.Add(uint64(len(retry)))
		batch, backoff = retry, min(2*backoff, out.o.RetryMax)
	}
}

// Close stops taking alerts and delivers what waits within the flush
// timeout; what is left then is dropped and counted. It closes the writer.
func (out *AlertOutput) Close() error {
	out.mu.Lock()
	if out.closed {
		out.mu.Unlock()
		<-out.done
		return nil
	}
	out.closed = true
	out.mu.Unlock()
	close(out.closing)
	t := time.AfterFunc(out.o.FlushTimeout, out.cancel)
	<-out.done
	t.Stop()
	out.cancel()
	if n := out.dropped.Load(); n > 0 {
		out.log.Warn("alert output closed; alerts it dropped since start", "dropped_total", n, "delivered_total", out.delivered.Load())
	}
	if err := out.w.close(); err != nil {
		return fmt.Errorf("sink %s: %w", out.name, err)
	}
	return nil
}

// Reopen reopens the output's file (an ECS file; SIGHUP); other outputs
// have none and do nothing.
func (out *AlertOutput) Reopen() error {
	if r, ok := out.w.(reopener); ok {
		return r.reopen()
	}
	return nil
}

// Counts are the output's counters now: delivered, retried (alerts sent
// again after a failed try), dropped (buffer full, refused, or left at
// shutdown), failures (tries not taken whole) and buffered.
func (out *AlertOutput) Counts() DeliveryCounts {
	return DeliveryCounts{Delivered: out.delivered.Load(), Retried: out.retried.Load(), Dropped: out.dropped.Load(),
		Failures: out.failures.Load(), Buffered: out.Buffered()}
}

// drop counts n alerts dropped and logs it (at most every 10 s, with the
// count since the last log line).
func (out *AlertOutput) drop(n int, why error) {
	out.dropped.Add(uint64(n))
	out.logMu.Lock()
	defer out.logMu.Unlock()
	out.dropsSince += uint64(n)
	if time.Since(out.lastDropLog) < 10*time.Second {
		return
	}
	out.log.Error("alerts dropped", "alerts", out.dropsSince, "dropped_total", out.dropped.Load(), "error", why)
	out.lastDropLog, out.dropsSince = time.Now(), 0
}

// logFailure logs a try not taken (at most every 10 s).
func (out *AlertOutput) logFailure(n int, backoff time.Duration, err error) {
	out.logMu.Lock()
	defer out.logMu.Unlock()
	if time.Since(out.lastFailLog) < 10*time.Second {
		return
	}
	out.lastFailLog = time.Now()
	out.log.Warn("cannot deliver alerts; retrying (logged at most every 10s)", "alerts", n, "retry_in", backoff,
		"failures_total", out.failures.Load(), "buffered", out.Buffered(), "error", err)
}
