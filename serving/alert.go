package serving

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mlctl/mlctl/registry"
)

// AlertSink records alerts as rows in the registry and, when a path is
// given, as JSON lines appended to a file, each with its campaign ID (see
// Campaigns). Add hands batches to a writer goroutine, so scoring does not
// wait for the database or the clustering; when the writer falls 64
// batches behind, Add waits (the scoring queue then fills and drops are
// counted there) rather than holding unbounded memory. Batches that queue
// while the writer is busy are written (and clustered) together.
type AlertSink struct {
	db        *registry.DB
	scorerID  string
	log       *slog.Logger
	campaigns *Campaigns
	pending   chan []registry.Alert
	done      chan struct{}

	path   string
	fileMu sync.Mutex // file and buf: the writer goroutine writes, Reopen swaps
	file   *os.File
	buf    *bufio.Writer

	raised         atomic.Uint64
	raisedKind     map[string]*atomic.Uint64
	dbFailed       atomic.Uint64
	campaignFailed atomic.Uint64
}

// NewAlertSink opens (appending) the JSON lines file at path, if any, and
// groups alerts into campaigns with the default CampaignOptions.
func NewAlertSink(db *registry.DB, scorerID, path string, log *slog.Logger) (*AlertSink, error) {
	return NewAlertSinkWith(db, scorerID, path, log, CampaignOptions{})
}

// NewAlertSinkWith is NewAlertSink with campaign options.
func NewAlertSinkWith(db *registry.DB, scorerID, path string, log *slog.Logger, campaigns CampaignOptions) (*AlertSink, error) {
	c, err := NewCampaigns(db, campaigns)
	if err != nil {
		return nil, err
	}
	s := &AlertSink{db: db, scorerID: scorerID, log: log, campaigns: c, pending: make(chan []registry.Alert, 64), done: make(chan struct{}),
		raisedKind: map[string]*atomic.Uint64{}}
	for _, k := range AlertKinds {
		s.raisedKind[k] = new(atomic.Uint64)
	}
	if path != "" {
		f, err := openAlertsFile(path)
		if err != nil {
			return nil, err
		}
		s.path, s.file, s.buf = path, f, bufio.NewWriter(f)
	}
	go s.run()
	return s, nil
}

// run writes batches as they come, several at once when it fell behind.
func (s *AlertSink) run() {
	defer close(s.done)
	for batch := range s.pending {
	more:
		for len(batch) < 10000 {
			select {
			case b, ok := <-s.pending:
				if !ok {
					break more
				}
				batch = append(batch, b...)
			default:
				break more
			}
		}
		s.write(batch)
	}
}

// Raised counts alerts raised; DBFailed counts those the registry did not take
// (they are still in the file); CampaignFailed counts written batches in
// which some alerts got no campaign for an error (logged), not for being
// noise.
func (s *AlertSink) Raised() uint64         { return s.raised.Load() }
func (s *AlertSink) DBFailed() uint64       { return s.dbFailed.Load() }
func (s *AlertSink) CampaignFailed() uint64 { return s.campaignFailed.Load() }

// AlertKinds are the alert kinds: the kind labels of mlctl_alerts_total.
var AlertKinds = []string{registry.AlertName, registry.AlertClient, registry.AlertTunnel, registry.AlertFlow, registry.AlertTXT}

// RaisedKind counts alerts raised of one kind (see AlertKinds).
func (s *AlertSink) RaisedKind(kind string) uint64 {
	if c := s.raisedKind[kind]; c != nil {
		return c.Load()
	}
	return 0
}

// Add queues a batch of alerts for the file and the registry. An alert
// without a kind is a name alert.
func (s *AlertSink) Add(ctx context.Context, alerts []registry.Alert) {
	if len(alerts) == 0 {
		return
	}
	for i := range alerts {
		alerts[i].ScorerID = s.scorerID
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

// write records alerts: campaign IDs first, then the file (flushed), then
// one COPY into the registry; alerts the registry refuses are counted and
// stay in the file.
func (s *AlertSink) write(alerts []registry.Alert) {
	cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
	if err := s.campaigns.Assign(cctx, alerts); err != nil {
		s.campaignFailed.Add(1)
		s.log.Error("assign campaigns", "count", len(alerts), "error", err)
	}
	ccancel()
	s.fileMu.Lock()
	if s.buf != nil {
		for _, a := range alerts {
			b, err := json.Marshal(a)
			if err == nil {
				s.buf.Write(b)
				s.buf.WriteByte('\n')
			}
		}
		if err := s.buf.Flush(); err != nil {
			s.log.Error("write alerts file", "error", err)
		}
	}
	s.fileMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.db.AddAlerts(ctx, alerts); err != nil {
		s.dbFailed.Add(uint64(len(alerts)))
		s.log.Error("store alerts", "count", len(alerts), "error", err)
	}
}

// Close writes what is queued, then flushes and closes the file. Add must
// not be called after Close.
func (s *AlertSink) Close() error {
	close(s.pending)
	<-s.done
	s.fileMu.Lock()
	defer s.fileMu.Unlock()
	if s.file == nil {
		return nil
	}
	f := s.file
	s.file, s.buf = nil, nil // a Reopen after Close does nothing
	return f.Close()
}

// Reopen closes the alerts file and opens its path again (appending,
// created if missing): after the file was renamed (logrotate), alerts
// written from now on go to a new file at the path, and those written
// before stay in the renamed one. If the path cannot be opened, alerts
// keep going to the file already open and the error is returned. Without
// a file it does nothing.
func (s *AlertSink) Reopen() error {
	s.fileMu.Lock()
	defer s.fileMu.Unlock()
	if s.file == nil {
		return nil
	}
	f, err := openAlertsFile(s.path)
	if err != nil {
		return err
	}
	flushErr := s.buf.Flush() // a batch is written whole under fileMu: normally nothing is left
	closeErr := s.file.Close()
	s.file = f
	s.buf.Reset(f)
	if err := errors.Join(flushErr, closeErr); err != nil {
		return fmt.Errorf("alerts file: close the one reopened: %w", err)
	}
	return nil
}

// openAlertsFile opens path for appending alerts, creating it if missing.
func openAlertsFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("alerts file: %w", err)
	}
	return f, nil
}
