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

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/learners"
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
	Format        string
	FormatVersion int
	Algo          mlctl.Algo
	// FeatureSet is what the model reads; a sequence model's is its
	// tokenizer (features/tokens: name, version and, as the state, its
	// JSON with any vocabulary) and lists no feature names.
	FeatureSet FeatureSet
	Params     map[string]string
	// Model is the trained model, of the learner Algo names; it is
	// written under the learner's ModelKey.
	Model training.Model
}

// header is the part of the bytes before the model, in its fixed order.
type header struct {
	Format        string            `json:"format"`
	FormatVersion int               `json:"format_version"`
	Algo          mlctl.Algo        `json:"algo"`
	FeatureSet    FeatureSet        `json:"feature_set"`
	Params        map[string]string `json:"params"`
}

// Encode returns the artifact's bytes and their hex SHA-256.
func Encode(a *Artifact) (data []byte, sha string, err error) {
	a.Format, a.FormatVersion = Format, FormatVersion
	l, err := learners.Lookup(a.Algo)
	if err != nil {
		return nil, "", fmt.Errorf("encode artifact: %w", err)
	}
	if a.Model == nil {
		return nil, "", fmt.Errorf("encode artifact: no %s model", a.Algo)
	}
	head, err := marshal(header{a.Format, a.FormatVersion, a.Algo, a.FeatureSet, a.Params})
	if err != nil {
		return nil, "", fmt.Errorf("encode artifact: %w", err)
	}
	model, err := marshal(a.Model)
	if err != nil {
		return nil, "", fmt.Errorf("encode artifact: %w", err)
	}
	key, _ := marshal(l.ModelKey())
	var buf bytes.Buffer
	buf.Write(head[:len(head)-1]) // without its closing brace
	buf.WriteByte(',')
	buf.Write(key)
	buf.WriteByte(':')
	buf.Write(model)
	buf.WriteString("}\n")
	data = buf.Bytes()
	return data, SHA256(data), nil
}

// marshal is json.Marshal without HTML escaping (as the artifact's bytes
// have always been written) and without the encoder's newline.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
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

// headerKeys are the keys of the bytes besides the model's.
var headerKeys = map[string]bool{"format": true, "format_version": true, "algo": true, "feature_set": true, "params": true}

// Decode verifies data against wantSHA (hex SHA-256) and parses it.
func Decode(data []byte, wantSHA string) (*Artifact, error) {
	if got := SHA256(data); got != wantSHA {
		return nil, &ChecksumError{Want: wantSHA, Got: got}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, fmt.Errorf("parse artifact: %w", err)
	}
	modelKeys := map[string]bool{}
	for _, l := range learners.All() {
		modelKeys[l.ModelKey()] = true
	}
	rawHead := map[string]json.RawMessage{}
	var models []string
	for k, v := range fields {
		switch {
		case headerKeys[k]:
			rawHead[k] = v
		case modelKeys[k]:
			if string(v) != "null" {
				models = append(models, k)
			}
		default:
			return nil, fmt.Errorf("parse artifact: json: unknown field %q", k)
		}
	}
	headBytes, _ := json.Marshal(rawHead)
	var h header
	dec := json.NewDecoder(bytes.NewReader(headBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("parse artifact: %w", err)
	}
	if h.Format != Format {
		return nil, fmt.Errorf("parse artifact: format %q, want %q", h.Format, Format)
	}
	if h.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("parse artifact: format_version %d, this mlctl reads %d", h.FormatVersion, FormatVersion)
	}
	if len(models) != 1 {
		return nil, fmt.Errorf("parse artifact: %d models, want exactly one (the %s model)", len(models), h.Algo)
	}
	l, err := learners.Lookup(h.Algo)
	if err != nil || l.ModelKey() != models[0] {
		return nil, fmt.Errorf("parse artifact: algo %q without its model", h.Algo)
	}
	m, err := l.DecodeModel(fields[models[0]])
	if err != nil {
		return nil, fmt.Errorf("parse artifact: %s model: %w", h.Algo, err)
	}
	if n := m.NumFeatures(); n != len(h.FeatureSet.Names) {
		return nil, fmt.Errorf("parse artifact: model uses %d features, feature set %s has %d", n, h.FeatureSet.Name, len(h.FeatureSet.Names))
	}
	return &Artifact{Format: h.Format, FormatVersion: h.FormatVersion, Algo: h.Algo, FeatureSet: h.FeatureSet, Params: h.Params, Model: m}, nil
}

// Learner is the learner of the artifact's algorithm.
func (a *Artifact) Learner() (training.Learner, error) { return learners.Lookup(a.Algo) }
