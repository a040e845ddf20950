package serving

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/spool"
)

// Alert sinks: where a scorer delivers its alerts (the sink label of the
// delivery metrics).
const (
	SinkRegistry = "registry"
	SinkFile     = "file"
)

// alertDest is somewhere alerts are delivered: the registry or the alerts
// file. deliver takes a batch whole or returns an error; delivering a batch
// again must not duplicate what a failed try stored.
type alertDest interface {
	deliver(ctx context.Context, alerts []registry.Alert) error
}

// delivery brings batches of alerts to one sink, in the order they were
// raised, at least once: a batch the sink does not take goes to an on-disk
// spool, and from then on every batch goes behind it until the spool has
// been delivered (retried with backoff; a scorer started later on the same
// spool delivers what an earlier one left). A batch that does not fit in
// the spool, or cannot be delivered ever (the sink refuses it as invalid),
// is dropped, counted and logged. Without a spool, a failed batch is
// dropped.
type delivery struct {
	sink    string
	dest    alertDest
	spool   *spool.Spool // nil: none
	log     *slog.Logger
	timeout time.Duration // per try
	in      chan []registry.Alert
	done    chan struct{}

	delivered, spooled, dropped, failures, quarantined atomic.Uint64

	lastDropLog time.Time
	dropsSince  uint64
}

// Retry backoff of a delivery whose spool holds batches.
const (
	deliveryRetryMin = 250 * time.Millisecond
	deliveryRetryMax = 5 * time.Second
)

func newDelivery(sink string, dest alertDest, sp *spool.Spool, timeout time.Duration, log *slog.Logger) *delivery {
	d := &delivery{sink: sink, dest: dest, spool: sp, log: log.With("sink", sink), timeout: timeout,
		in: make(chan []registry.Alert, 64), done: make(chan struct{})}
	go d.run()
	return d
}

// run delivers batches until in is closed, then tries the spool once more.
func (d *delivery) run() {
	defer close(d.done)
	backoff := deliveryRetryMin
	var retry <-chan time.Time
	if d.spool != nil && !d.spool.Empty() {
		st := d.spool.Stats()
		d.log.Info("alerts left in the spool by an earlier run; delivering them first", "alerts", st.Records, "spool", d.spool.Dir())
		retry = time.After(0)
	}
	for {
		select {
		case batch, ok := <-d.in:
			if !ok {
				d.finish()
				return
			}
			batch = gather(batch, d.in)
			if retry == nil {
				err := d.try(batch)
				if err == nil {
					continue
				}
				if d.spool != nil {
					d.log.Warn("cannot deliver alerts; spooling them until it can", "alerts", len(batch), "spool", d.spool.Dir(), "error", err)
				}
				backoff = deliveryRetryMin
				retry = time.After(backoff)
			}
			d.toSpool(batch)
		case <-retry:
			if err := d.drain(); err != nil {
				backoff = min(2*backoff, deliveryRetryMax)
				retry = time.After(backoff)
				continue
			}
			retry, backoff = nil, deliveryRetryMin
			d.log.Info("spooled alerts delivered; delivering directly again")
		}
	}
}

// try delivers batch now. A batch the sink refuses as invalid is dropped
// (nil is returned: there is nothing to retry).
func (d *delivery) try(batch []registry.Alert) error {
	ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
	defer cancel()
	err := d.dest.deliver(ctx, batch)
	switch {
	case err == nil:
		d.delivered.Add(uint64(len(batch)))
		return nil
	case mlctl.ErrorCode(err) == mlctl.EINVALID:
		d.drop(len(batch), fmt.Errorf("refused, never to be taken: %w", err))
		return nil
	}
	d.failures.Add(1)
	return err
}

// toSpool spools batch behind the batches spooled already, or drops it.
func (d *delivery) toSpool(batch []registry.Alert) {
	if d.spool == nil {
		d.drop(len(batch), errors.New("no spool"))
		return
	}
	recs := make([][]byte, 0, len(batch))
	for i := range batch {
		b, err := json.Marshal(spooledAlert{Alert: batch[i], ModelID: batch[i].ModelID})
		if err != nil {
			d.drop(1, err)
			continue
		}
		recs = append(recs, b)
	}
	if err := d.spool.Append(recs); err != nil {
		d.drop(len(recs), err)
		return
	}
	d.spooled.Add(uint64(len(recs)))
}

// drain delivers the spool, oldest batch first, until it is empty (nil) or
// a batch is not taken (its error).
func (d *delivery) drain() error {
	for {
		seq, recs, ok, err := d.spool.Head()
		if !ok {
			return nil
		}
		if err != nil {
			d.log.Error("read the alert spool", "error", err)
			return err
		}
		batch, err := decodeSpooled(recs)
		if err != nil {
			to, qerr := d.spool.Quarantine(seq)
			d.quarantined.Add(uint64(len(recs)))
			d.log.Error("a spooled batch does not decode; moved aside, not delivered", "batch", seq, "to", to, "error", errors.Join(err, qerr))
			if qerr != nil {
				return qerr
			}
			continue
		}
		if err := d.try(batch); err != nil {
			return err
		}
		if err := d.spool.Remove(seq); err != nil {
			d.log.Error("remove a delivered batch from the spool (it will be delivered again, and stored once)", "batch", seq, "error", err)
			return err
		}
	}
}

// finish tries the spool once more at shutdown; what is left stays on disk.
func (d *delivery) finish() {
	if d.spool == nil {
		return
	}
	defer d.spool.Close()
	if d.spool.Empty() {
		return
	}
	if err := d.drain(); err != nil {
		st := d.spool.Stats()
		d.log.Warn("alerts left in the spool at shutdown; a scorer started with the same --state-dir and alias delivers them",
			"alerts", st.Records, "spool", d.spool.Dir(), "error", err)
	}
}

// drop counts n alerts dropped and logs it (at most every 10 s, with the
// count since the last log line).
func (d *delivery) drop(n int, why error) {
	d.dropped.Add(uint64(n))
	d.dropsSince += uint64(n)
	if time.Since(d.lastDropLog) < 10*time.Second {
		return
	}
	d.log.Error("alerts dropped", "alerts", d.dropsSince, "dropped_total", d.dropped.Load(), "error", why)
	d.lastDropLog, d.dropsSince = time.Now(), 0
}

// DeliveryCounts are one sink's delivery counters at one moment.
type DeliveryCounts struct {
	// Delivered alerts were taken by the sink; Spooled went to the spool
	// first (delivered from it later); Dropped were lost (spool full, no
	// spool, or refused as invalid), and Quarantined were spooled but did
	// not decode (kept in the spool's bad/ folder). Failures counts tries
	// the sink did not take.
	Delivered   uint64 `json:"delivered"`
	Spooled     uint64 `json:"spooled"`
	Dropped     uint64 `json:"dropped"`
	Quarantined uint64 `json:"quarantined,omitempty"`
	Failures    uint64 `json:"failures"`
	// InSpool and SpoolBytes are what the spool holds now.
	InSpool    int   `json:"in_spool"`
	SpoolBytes int64 `json:"spool_bytes"`
	// Retried counts alerts sent again after a try not taken, and
	// Buffered is how many wait in memory now: a --sink's (AlertOutput),
	// which has a buffer where the registry and the alerts file have a
	// spool.
	Retried  uint64 `json:"retried,omitempty"`
	Buffered int    `json:"buffered,omitempty"`
}

func (d *delivery) counts() DeliveryCounts {
	c := DeliveryCounts{Delivered: d.delivered.Load(), Spooled: d.spooled.Load(), Dropped: d.dropped.Load(),
		Quarantined: d.quarantined.Load(), Failures: d.failures.Load()}
	if d.spool != nil {
		st := d.spool.Stats()
		c.InSpool, c.SpoolBytes = st.Records, st.Bytes
	}
	return c
}

// spooledAlert is an alert as spooled: all of it that its sinks store.
type spooledAlert struct {
	registry.Alert
	ModelID int64 `json:"model_id,omitempty"`
}

func decodeSpooled(recs [][]byte) ([]registry.Alert, error) {
	out := make([]registry.Alert, len(recs))
	for i, r := range recs {
		var s spooledAlert
		if err := json.Unmarshal(r, &s); err != nil {
			return nil, fmt.Errorf("record %d: %w", i+1, err)
		}
		if s.UID == "" {
			return nil, fmt.Errorf("record %d: no alert_id", i+1)
		}
		s.Alert.ModelID = s.ModelID
		out[i] = s.Alert
	}
	return out, nil
}
