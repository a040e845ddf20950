package artifact

import (
	"encoding/json"

	"github.com/mlctl/mlctl"
)

// Manifest describes an artifact's bytes. It is stored beside them (never
// inside, since it carries their SHA-256) and returned by `mlctl models show`.
type Manifest struct {
	FormatVersion  int      `json:"format_version"`
	Algo           string   `json:"algo"`
	FeatureSet     string   `json:"feature_set"`
	FeatureVersion int      `json:"feature_set_version"`
	FeatureNames   []string `json:"feature_names"`
	Threshold      float64  `json:"threshold"`
	ThresholdRule  string   `json:"threshold_rule"`
	// ClientThreshold is a domain-name model's cut for client verdicts
	// (names answered NXDOMAIN at or above it count toward one); 0: none.
	ClientThreshold float64           `json:"client_threshold,omitempty"`
	Params          map[string]string `json:"params"`
	Metrics         json.RawMessage   `json:"metrics"`
	DatasetVersions []string          `json:"dataset_versions"`
	Split           SplitInfo         `json:"split"`
	WorkflowID      string            `json:"workflow_id"`
	SHA256          string            `json:"sha256"`
	SizeBytes       int               `json:"size_bytes"`

	// FeatureFit says how the feature set's learned state was fitted when
	// it was not on both classes: FeatureFitBenignOnly. Empty otherwise.
	FeatureFit string `json:"feature_fit,omitempty"`

	// Tuned is the tuning run that chose the parameters (nil: not tuned).
	Tuned *mlctl.Tuned `json:"tuned,omitempty"`
}

// FeatureFitBenignOnly is Manifest.FeatureFit of a model whose feature set
// was fitted on benign rows only (an isolation forest trained on a
// benign-only dataset): the parts that need malicious rows are constants
// (see features.Domain).
const FeatureFitBenignOnly = "benign-only"

// SplitInfo records how the training rows were chosen.
type SplitInfo struct {
	Seed            uint64   `json:"seed"`
	HoldoutFamilies []string `json:"holdout_families"`
	Train           int      `json:"train_rows"`
	Validation      int      `json:"validation_rows"`
	Test            int      `json:"test_rows"`
}
