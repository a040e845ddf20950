package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mlctl/mlctl/serving"
)

// scorerStatus is a line of `mlctl serve status --json`: a scorer's row in
// the registry with the counters of its last heartbeat.
type scorerStatus struct {
	ID        string           `json:"id"`
	StoppedAt *time.Time       `json:"stopped_at"`
	Counters  serving.Counters `json:"counters"`
}

// finalStatus reads the only scorer's row after it stopped: its last
// heartbeat holds its final counters.
func finalStatus(ctx context.Context, st *stack) (scorerStatus, error) {
	out, err := st.Run(ctx, "serve", "status", "--json")
	if err != nil {
		return scorerStatus{}, err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		return scorerStatus{}, fmt.Errorf("`mlctl serve status` lists %d scorers, want the soak's one:\n%s", len(lines), out)
	}
	var s scorerStatus
	if err := json.Unmarshal([]byte(lines[0]), &s); err != nil {
		return s, fmt.Errorf("`mlctl serve status --json` printed %q: %w", lines[0], err)
	}
	if s.StoppedAt == nil {
		return s, fmt.Errorf("scorer %s is not marked stopped: its last heartbeat did not come", s.ID)
	}
	return s, nil
}
