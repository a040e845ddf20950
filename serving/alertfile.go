package serving

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/mlctl/mlctl/registry"
)

// alertFile is the alerts file: JSON lines appended, a batch written whole
// or not at all (a write cut short, by a full disk say, is truncated away,
// so the file never holds half a line), reopened at its path on Reopen.
type alertFile struct {
	path string
	// encode is an alert's line (without its newline).
	encode func(*registry.Alert) ([]byte, error)
	mu     sync.Mutex
	f      *os.File // nil once closed
}

// openAlertFile opens path for appending alerts, creating it if missing.
func openAlertFile(path string) (*alertFile, error) {
	f, err := openAppend(path)
	if err != nil {
		return nil, err
	}
	return &alertFile{path: path, f: f, encode: func(a *registry.Alert) ([]byte, error) { return json.Marshal(a) }}, nil
}

func openAppend(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("alerts file: %w", err)
	}
	return f, nil
}

// deliver appends alerts as JSON lines in one write.
func (a *alertFile) deliver(_ context.Context, alerts []registry.Alert) error {
	var buf bytes.Buffer
	for i := range alerts {
		b, err := a.encode(&alerts[i])
		if err != nil {
			return fmt.Errorf("alerts file: alert %s: %w", alerts[i].UID, err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		return errors.New("alerts file: closed")
	}
	st, err := a.f.Stat()
	if err != nil {
		return fmt.Errorf("alerts file: %w", err)
	}
	if n, err := a.f.Write(buf.Bytes()); err != nil {
		if n > 0 {
			if terr := a.f.Truncate(st.Size()); terr != nil {
				err = errors.Join(err, fmt.Errorf("cut the part written: %w", terr))
			}
		}
		return fmt.Errorf("alerts file %s: %w", a.path, err)
	}
	return nil
}

// reopen closes the file and opens its path again (appending, created if
// missing). If the path cannot be opened, the open file stays in use.
func (a *alertFile) reopen() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		return nil
	}
	f, err := openAppend(a.path)
	if err != nil {
		return err
	}
	old := a.f
	a.f = f
	if err := old.Close(); err != nil {
		return fmt.Errorf("alerts file: close the one reopened: %w", err)
	}
	return nil
}

// close closes the file; a reopen after it does nothing.
func (a *alertFile) close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		return nil
	}
	err := a.f.Close()
	a.f = nil
	return err
}
