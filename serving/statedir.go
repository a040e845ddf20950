package serving

import (
	"os"
	"path/filepath"
	"strings"
)

// DefaultStateDir is where a scorer keeps what must outlive its process
// (the alert spool, the last verified model) unless told otherwise:
// systemd's $STATE_DIRECTORY (its first entry) when the unit sets
// StateDirectory=, else $XDG_STATE_HOME/mlctl, else ~/.local/state/mlctl.
// It is "" only when none of them is known.
func DefaultStateDir() string {
	if d, _, _ := strings.Cut(os.Getenv("STATE_DIRECTORY"), ":"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "mlctl")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "state", "mlctl")
	}
	return ""
}
