package mlctl

import (
	"encoding/json"
	"time"
)

// Outcomes of a Retrain run.
const (
	OutcomePromoted    = "promoted"     // the challenger went live
	OutcomeRefused     = "refused"      // the gate (or its shadow) kept the champion
	OutcomeNotPromoted = "not_promoted" // it passed, but the schedule does not promote
	OutcomeNoNewData   = "no_new_data"  // nothing new to train on
	OutcomeFailed      = "failed"       // a step failed; the reason says which
)

// Decision is what one Retrain run decided, and why.
type Decision struct {
	ID           int64           `json:"id"`
	WorkflowID   string          `json:"workflow_id"`
	Schedule     string          `json:"schedule"`
	Model        string          `json:"model"`
	Alias        string          `json:"alias"`
	Outcome      string          `json:"outcome"`
	Reason       string          `json:"reason"`
	DatasetID    int64           `json:"dataset_id,omitempty"`
	ChallengerID int64           `json:"challenger_id,omitempty"`
	ChampionID   int64           `json:"champion_id,omitempty"`
	Detail       json.RawMessage `json:"detail,omitempty"`
	CreatedAt    time.Time       `json:"created_at"`
}
