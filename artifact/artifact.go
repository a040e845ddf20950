// Package artifact defines mlctl's model artifact: the documented bytes that
// are checksummed, stored in the registry and loaded by scorers, and the
// manifest that describes them.
//
// The bytes are one JSON document (UTF-8, keys in a fixed order, floats in
// shortest round-trip form), so the same model always encodes to the same
// bytes and SHA-256:
//
//	{
//	  "format": "mlctl-model",
//	  "format_version": 1,
//	  "algo": "gbdt",
//	  "feature_set": {"name": "domain", "version": 1, "names": [...], "state": {...}},
//	  "params": {"max_depth": "6", ...},
//	  "gbdt": {...}            // training/gbdt native model
//	}
//
// with "forest" (rf), "iforest" or "lstm" in place of "gbdt" for the other
// algorithms; an lstm model's feature set is its tokenizer.
//
// Nothing in it executes on load; Decode verifies the SHA-256 before it parses.
package artifact

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/mlctl/mlctl/training/forest"
	"github.com/mlctl/mlctl/training/gbdt"
	"github.com/mlctl/mlctl/training/iforest"
	"github.com/mlctl/mlctl/training/lstm"
)

// Format names the artifact format; FormatVersion changes with incompatible changes.
const (
	Format        = "mlctl-model"
	FormatVersion = 1
)

// FeatureSet records which features a model was trained on, with any fitted state.
type FeatureSet struct {
	Name    string          `json:"name"`
	Version int             `json:"version"`
	Names   []string        `json:"names"`
	State   json.RawMessage `json:"state,omitempty"`
}

// Artifact is the decoded content of a model's bytes.
type Artifact struct {
	Format        string            `json:"format"`
	FormatVersion int               `json:"format_version"`
	Algo          string            `json:"algo"`
	FeatureSet    FeatureSet        `json:"feature_set"`
	Params        map[string]string `json:"params"`
	GBDT          *gbdt.Model       `json:"gbdt,omitempty"`
	// Forest is a random forest (algo rf), IForest an isolation forest
	// (algo iforest); exactly one model is set, the one Algo names.
	Forest  *forest.Model  `json:"forest,omitempty"`
	IForest *iforest.Model `json:"iforest,omitempty"`
	// LSTM is a sequence model (algo lstm); its feature set is a tokenizer
	// (features/tokens: name, version and, as the state, its JSON with any
	// vocabulary) and lists no feature names.
	LSTM *lstm.Model `json:"lstm,omitempty"`
}

// Encode returns the artifact's bytes and their hex SHA-256.
func Encode(a *Artifact) (data []byte, sha string, err error) {
	a.Format, a.FormatVersion = Format, FormatVersion
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		return nil, "", fmt.Errorf("encode artifact: %w", err)
	}
	data = buf.Bytes()
	return data, SHA256(data), nil
}

// SHA256 returns the hex SHA-256 of data.
func SHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// ChecksumError reports bytes whose SHA-256 is not the recorded one.
type ChecksumError struct {
	Want, Got string
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("artifact checksum mismatch: recorded sha256 %s, bytes hash to %s; refusing to load", e.Want, e.Got)
}

// Decode verifies data against wantSHA (hex SHA-256) and parses it.
func Decode(data []byte, wantSHA string) (*Artifact, error) {
	if got := SHA256(data); got != wantSHA {
		return nil, &ChecksumError{Want: wantSHA, Got: got}
	}
	var a Artifact
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("parse artifact: %w", err)
	}
	if a.Format != Format {
		return nil, fmt.Errorf("parse artifact: format %q, want %q", a.Format, Format)
	}
	if a.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("parse artifact: format_version %d, this mlctl reads %d", a.FormatVersion, FormatVersion)
	}
	models := 0
	for _, set := range []bool{a.GBDT != nil, a.Forest != nil, a.IForest != nil, a.LSTM != nil} {
		if set {
			models++
		}
	}
	if models != 1 {
		return nil, fmt.Errorf("parse artifact: %d models, want exactly one (the %s model)", models, a.Algo)
	}
	var features int
	switch {
	case a.Algo == "gbdt" && a.GBDT != nil:
		features = a.GBDT.NumFeatures()
	case a.Algo == "rf" && a.Forest != nil:
		features = a.Forest.NumFeatures()
	case a.Algo == "iforest" && a.IForest != nil:
		features = a.IForest.NumFeatures()
	case a.Algo == "lstm" && a.LSTM != nil:
		// Token sequences: no named features (the tokenizer is the state).
	default:
		return nil, fmt.Errorf("parse artifact: algo %q without its model", a.Algo)
	}
	if features != len(a.FeatureSet.Names) {
		return nil, fmt.Errorf("parse artifact: model uses %d features, feature set %s has %d", features, a.FeatureSet.Name, len(a.FeatureSet.Names))
	}
	return &a, nil
}
