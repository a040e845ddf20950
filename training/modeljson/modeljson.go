// Package modeljson reads the native JSON formats of mlctl's models
// (gbdt, forest, iforest, lstm): one object whose first fields name the
// format and its version, decoded strictly.
package modeljson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Header is the first two fields of every native model format; model
// types embed it first, so the bytes start with them.
type Header struct {
	Format        string `json:"format"`
	FormatVersion int    `json:"format_version"`
}

// Decode decodes data, one JSON object with nothing after it, into v,
// refusing unknown fields, then checks that h (v's embedded header) names
// format at version. Errors begin "<pkg>: model json: ".
func Decode(pkg string, data []byte, v any, h *Header, format string, version int) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: model json: %w", pkg, err)
	}
	if dec.More() {
		return errors.New(pkg + ": model json: trailing data after the model object")
	}
	if h.Format != format {
		return fmt.Errorf("%s: model json: format %q, want %q", pkg, h.Format, format)
	}
	if h.FormatVersion != version {
		return fmt.Errorf("%s: model json: format_version %d, want %d", pkg, h.FormatVersion, version)
	}
	return nil
}
