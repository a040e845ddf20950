package serving

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"

	"github.com/mlctl/mlctl/registry"
)

// AlertSink records alerts as rows in the registry and, when a path is
// given, as JSON lines appended to a file.
type AlertSink struct {
	db       *registry.DB
	scorerID string
	log      *slog.Logger

	mu   sync.Mutex
	file *os.File
	buf  *bufio.Writer

	raised   atomic.Uint64
	dbFailed atomic.Uint64
}

// NewAlertSink opens (appending) the JSON lines file at path, if any.
func NewAlertSink(db *registry.DB, scorerID, path string, log *slog.Logger) (*AlertSink, error) {
	s := &AlertSink{db: db, scorerID: scorerID, log: log}
	if path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, fmt.Errorf("alerts file: %w", err)
		}
		s.file, s.buf = f, bufio.NewWriter(f)
	}
	return s, nil
}

// Raised counts alerts raised; DBFailed counts those the registry did not take
// (they are still in the file).
func (s *AlertSink) Raised() uint64   { return s.raised.Load() }
func (s *AlertSink) DBFailed() uint64 { return s.dbFailed.Load() }

// Add records a batch of alerts: the file first (flushed), then one COPY
// into the registry.
func (s *AlertSink) Add(ctx context.Context, alerts []registry.Alert) {
	if len(alerts) == 0 {
		return
	}
	for i := range alerts {
		alerts[i].ScorerID = s.scorerID
	}
	s.raised.Add(uint64(len(alerts)))
	if s.buf != nil {
		s.mu.Lock()
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
		s.mu.Unlock()
	}
	// Alerts are stored even while shutting down.
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10e9)
	defer cancel()
	if err := s.db.AddAlerts(dctx, alerts); err != nil {
		s.dbFailed.Add(uint64(len(alerts)))
		s.log.Error("store alerts", "count", len(alerts), "error", err)
	}
}

// Close flushes and closes the file.
func (s *AlertSink) Close() error {
	if s.file == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.buf.Flush(); err != nil {
		return err
	}
	return s.file.Close()
}
