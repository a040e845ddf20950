package mlctl

import "time"

// Trial states.
const (
	TrialRunning  = "running"
	TrialComplete = "complete"
	TrialPruned   = "pruned"
	TrialFailed   = "failed"
)

// Trial is one trial of a tuning run as it stands: its parameters, the
// last rung it was scored at and the values of its folds there.
type Trial struct {
	RunID  string            `json:"run_id"`
	Number int               `json:"trial"`
	Params map[string]string `json:"params"`
	Status string            `json:"status"`
	Rung   int               `json:"rung"`
	Units  int               `json:"units"`
	// Value is the mean of FoldValues (nil: not scored yet, or failed).
	Value *float64 `json:"value"`
	// FoldValues are the objective on each held-out fold that has both
	// classes.
	FoldValues []float64  `json:"fold_values"`
	Seconds    float64    `json:"seconds"`
	Workers    []string   `json:"workers"`
	Error      string     `json:"error,omitempty"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}
