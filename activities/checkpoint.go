package activities

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/mlctl/mlctl/artifact"
)

// checkpoint is a training run's resumable state as the registry stores
// it: a JSON header line (the algorithm, the fitted feature set, the
// resolved parameters), then the learner's own state bytes.
type checkpoint struct {
	Algo       string              `json:"algo"`
	FeatureSet artifact.FeatureSet `json:"feature_set"`
	Params     map[string]string   `json:"params"`
	state      []byte
}

// encodeCheckpoint writes the header line and state.
func encodeCheckpoint(c checkpoint, state []byte) ([]byte, error) {
	head, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode checkpoint: %w", err)
	}
	out := make([]byte, 0, len(head)+1+len(state))
	out = append(append(append(out, head...), '\n'), state...)
	return out, nil
}

// decodeCheckpoint verifies data against its recorded SHA-256 and splits it.
func decodeCheckpoint(data []byte, sha string) (*checkpoint, error) {
	if got := artifact.SHA256(data); got != sha {
		return nil, &artifact.ChecksumError{Want: sha, Got: got}
	}
	head, state, ok := bytes.Cut(data, []byte{'\n'})
	if !ok {
		return nil, fmt.Errorf("checkpoint: no header line")
	}
	var c checkpoint
	if err := json.Unmarshal(head, &c); err != nil {
		return nil, fmt.Errorf("checkpoint header: %w", err)
	}
	c.state = state
	return &c, nil
}
