package serving

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/spool"
)

// AlertSink delivers alerts to the registry and, when a path is given, as
// JSON lines appended to a file, each with its alert ID (a UUID given when
// the alert is raised, so a delivery retried never stores it twice) and
// its campaign ID (see Campaigns). Add hands batches to a writer
// goroutine, so scoring does not wait for the database or the clustering;
// when the writer falls 64 batches behind, Add waits (the scoring queue
// then fills and drops are counted there) rather than holding unbounded
// memory. Each sink has its own delivery (see delivery): what it cannot
// take now is spooled on disk and delivered, in order, when it can.
type AlertSink struct {
	scorerID  string
	log       *slog.Logger
	campaigns *Campaigns
	pending   chan []registry.Alert
	done      chan struct{}

	file       *alertFile // nil: no alerts file
	deliveries []*delivery
	outputs    []*AlertOutput // --sink

	raised         atomic.Uint64
	raisedKind     map[string]*atomic.Uint64
	campaignFailed atomic.Uint64
	lastCampaign   time.Time // when a campaign failure was last logged (writer goroutine)
}

// AlertSinkOptions configure an AlertSink.
type AlertSinkOptions struct {
	// File is the JSON lines file alerts are appended to ("" for none).
	File string
	// Spool is the directory of the sink's spools: SLOT/registry and
	// SLOT/file in the first slot (Spool.1, Spool.2, ...) no other process
	// holds, so that a scorer restarted delivers what the last one left.
	// "": no spool; what a sink cannot take is dropped and counted.
	Spool string
	// SpoolMaxBytes bounds each sink's spool (default
	// DefaultSpoolMaxBytes).
	SpoolMaxBytes int64
	Campaigns     CampaignOptions
	// Sinks are --sink URLs (see OpenAlertOutput): outputs beside the
	// registry and the file, each with its own in-memory buffer, never
	// making scoring wait. Outputs configures them.
	Sinks   []string
	Outputs OutputOptions
}

// DefaultSpoolMaxBytes is the default bound of each sink's spool: about two
// million alerts of 500 bytes.
const DefaultSpoolMaxBytes = 1 << 30

// NewAlertSink returns a sink without a spool that appends alerts to the
// file at path (none for "") and groups them into campaigns with the
// default CampaignOptions.
func NewAlertSink(db *registry.DB, scorerID, path string, log *slog.Logger) (*AlertSink, error) {
	return NewAlertSinkWith(db, scorerID, log, AlertSinkOptions{File: path})
}

// NewAlertSinkWith returns a sink configured by o.
func NewAlertSinkWith(db *registry.DB, scorerID string, log *slog.Logger, o AlertSinkOptions) (*AlertSink, error) {
	c, err := NewCampaigns(db, o.Campaigns)
	if err != nil {
		return nil, err
	}
	if o.SpoolMaxBytes <= 0 {
		o.SpoolMaxBytes = DefaultSpoolMaxBytes
	}
	s := &AlertSink{scorerID: scorerID, log: log, campaigns: c, pending: make(chan []registry.Alert, 64), done: make(chan struct{}),
		raisedKind: map[string]*atomic.Uint64{}}
	for _, k := range AlertKinds {
		s.raisedKind[k] = new(atomic.Uint64)
	}
	var regSpool, fileSpool *spool.Spool
	if o.Spool != "" {
		if regSpool, fileSpool, err = claimSpools(o.Spool, o.SpoolMaxBytes); err != nil {
			return nil, err
		}
	}
	s.deliveries = append(s.deliveries, newDelivery(SinkRegistry, registryDest{db}, regSpool, 10*time.Second, log))
	if o.File != "" {
		if s.file, err = openAlertFile(o.File); err != nil {
			s.closeDeliveries()
			if fileSpool != nil {
				fileSpool.Close()
			}
			return nil, err
		}
		s.deliveries = append(s.deliveries, newDelivery(SinkFile, s.file, fileSpool, 10*time.Second, log))
	} else if fileSpool != nil {
		if st := fileSpool.Stats(); st.Records > 0 {
			log.Warn("alerts spooled for an alerts file wait in the spool: this scorer has no --alerts file", "alerts", st.Records, "spool", fileSpool.Dir())
		}
		fileSpool.Close()
	}
	seen := map[string]bool{}
	for _, u := range o.Sinks {
		out, err := OpenAlertOutput(u, o.Outputs, log)
		if err == nil && (seen[out.Name()] || out.Name() == SinkRegistry || out.Name() == SinkFile) {
			out.Close()
			err = mlctl.Errorf(mlctl.EINVALID, "--sink %s given twice", out.Name())
		}
		if err != nil {
			s.closeOutputs()
			s.closeDeliveries()
			if s.file != nil {
				s.file.close()
			}
			return nil, err
		}
		seen[out.Name()] = true
		s.outputs = append(s.outputs, out)
	}
	go s.run()
	return s, nil
}

// claimSpools opens the registry and file spools of the first slot under
// base (base.1, base.2, ...) that no other process holds.
func claimSpools(base string, maxBytes int64) (reg, file *spool.Spool, err error) {
	for n := 1; n <= 64; n++ {
		slot := base + "." + strconv.Itoa(n)
		reg, err = spool.Open(filepath.Join(slot, SinkRegistry), maxBytes)
		if err != nil {
			if errors.Is(err, spool.ErrInUse) {
				continue
			}
			return nil, nil, fmt.Errorf("alert spool: %w", err)
		}
		if file, err = spool.Open(filepath.Join(slot, SinkFile), maxBytes); err != nil {
			reg.Close()
			return nil, nil, fmt.Errorf("alert spool: %w", err)
		}
		return reg, file, nil
	}
	return nil, nil, fmt.Errorf("alert spool: all 64 slots of %s are held by running scorers", base)
}

// run assigns campaigns to batches as they come (several at once when it
// fell behind) and hands them to every delivery.
func (s *AlertSink) run() {
	defer close(s.done)
	for batch := range s.pending {
		batch = gather(batch, s.pending)
		s.assignCampaigns(batch)
		for _, o := range s.outputs {
			o.Offer(batch) // never waits
		}
		for _, d := range s.deliveries {
			d.in <- batch
		}
	}
}

// gather appends to batch the batches already waiting in ch, up to 10,000
// alerts: a writer that fell behind catches up in one go.
func gather(batch []registry.Alert, ch <-chan []registry.Alert) []registry.Alert {
	for len(batch) < 10000 {
		select {
		case b, ok := <-ch:
			if !ok {
				return batch
			}
			batch = append(batch, b...)
		default:
			return batch
		}
	}
	return batch
}

// assignCampaigns groups batch into campaigns. Alerts that could not be
// given one (their new campaign had no ID: the registry is down) keep
// registry.NoCampaign; the failure is counted and logged at most every
// 30 s.
func (s *AlertSink) assignCampaigns(batch []registry.Alert) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := s.campaigns.Assign(ctx, batch); err != nil {
		s.campaignFailed.Add(1)
		if time.Since(s.lastCampaign) >= 30*time.Second {
			s.lastCampaign = time.Now()
			s.log.Error("assign campaigns (logged at most every 30s)", "count", len(batch), "failed_batches_total", s.campaignFailed.Load(), "error", err)
		}
	}
}

// Raised counts alerts raised; CampaignFailed counts batches in which some
// alerts got no campaign for an error (logged), not for being noise.
func (s *AlertSink) Raised() uint64         { return s.raised.Load() }
func (s *AlertSink) CampaignFailed() uint64 { return s.campaignFailed.Load() }

// Delivery returns each sink's delivery counters, by sink (SinkRegistry,
// SinkFile).
func (s *AlertSink) Delivery() map[string]DeliveryCounts {
	out := make(map[string]DeliveryCounts, len(s.deliveries))
	for _, d := range s.deliveries {
		out[d.sink] = d.counts()
	}
	for _, o := range s.outputs {
		out[o.Name()] = o.Counts()
	}
	return out
}

// Dropped counts alerts lost by any sink (see DeliveryCounts.Dropped).
func (s *AlertSink) Dropped() uint64 {
	var n uint64
	for _, d := range s.deliveries {
		n += d.dropped.Load()
	}
	for _, o := range s.outputs {
		n += o.dropped.Load()
	}
	return n
}

// AlertKinds are the alert kinds: the kind labels of mlctl_alerts_total.
var AlertKinds = []string{registry.AlertName, registry.AlertClient, registry.AlertTunnel, registry.AlertFlow, registry.AlertTXT}

// RaisedKind counts alerts raised of one kind (see AlertKinds).
func (s *AlertSink) RaisedKind(kind string) uint64 {
	if c := s.raisedKind[kind]; c != nil {
		return c.Load()
	}
	return 0
}

// Add queues a batch of alerts for every sink, giving each its alert ID
// and scorer. An alert without a kind is a name alert.
func (s *AlertSink) Add(ctx context.Context, alerts []registry.Alert) {
	if len(alerts) == 0 {
		return
	}
	for i := range alerts {
		alerts[i].ScorerID = s.scorerID
		if alerts[i].UID == "" {
			alerts[i].UID = registry.NewAlertUID()
		}
		if alerts[i].Kind == "" {
			alerts[i].Kind = registry.AlertName
		}
		if c := s.raisedKind[alerts[i].Kind]; c != nil {
			c.Add(1)
		}
	}
	s.raised.Add(uint64(len(alerts)))
	s.pending <- alerts
}

// Close delivers what is queued (what a sink cannot take stays in its
// spool; a --sink output delivers what it can within its flush timeout),
// then closes the file. Add must not be called after Close.
func (s *AlertSink) Close() error {
	close(s.pending)
	<-s.done
	s.closeDeliveries()
	err := s.closeOutputs()
	if s.file == nil {
		return err
	}
	return errors.Join(err, s.file.close())
}

// closeOutputs flushes and closes the --sink outputs, all at once (each
// within its flush timeout).
func (s *AlertSink) closeOutputs() error {
	errs := make([]error, len(s.outputs))
	var wg sync.WaitGroup
	for i, o := range s.outputs {
		wg.Go(func() { errs[i] = o.Close() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (s *AlertSink) closeDeliveries() {
	for _, d := range s.deliveries {
		close(d.in)
	}
	for _, d := range s.deliveries {
		<-d.done
	}
}

// Reopen closes the alerts file (and every ecs:PATH output's) and opens its path again (appending,
// created if missing): after the file was renamed (logrotate), alerts
// written from now on go to a new file at the path, and those written
// before stay in the renamed one. If the path cannot be opened, alerts
// keep going to the file already open and the error is returned. Without
// a file it does nothing.
func (s *AlertSink) Reopen() error {
	var errs []error
	for _, o := range s.outputs {
		if err := o.Reopen(); err != nil {
			errs = append(errs, fmt.Errorf("--sink %s: %w", o.Name(), err))
		}
	}
	if s.file != nil {
		errs = append(errs, s.file.reopen())
	}
	return errors.Join(errs...)
}
