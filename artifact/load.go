package artifact

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/registry"
)

// Loaded is a published model version with its verified, decoded artifact.
type Loaded struct {
	Model    *registry.Model
	Artifact *Artifact
	Manifest *Manifest
	Bytes    []byte
}

// Load reads a model version's bytes from the registry and verifies their
// SHA-256 against the published one before decoding: a mismatch is an
// ECORRUPT error and nothing is returned.
func Load(ctx context.Context, db *registry.DB, m *registry.Model) (*Loaded, error) {
	data, sha, err := db.Artifact(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	if sha != m.SHA256 {
		return nil, mlctl.Errorf(mlctl.ECORRUPT, "model %s: artifact checksum %s differs from the published %s", m.Ref(), sha, m.SHA256)
	}
	art, err := Decode(data, m.SHA256)
	if err != nil {
		return nil, mlctl.Errorf(mlctl.ECORRUPT, "model %s: %v", m.Ref(), err)
	}
	man, err := ParseManifest(m)
	if err != nil {
		return nil, err
	}
	return &Loaded{Model: m, Artifact: art, Manifest: man, Bytes: data}, nil
}

// ParseManifest decodes a model's manifest.
func ParseManifest(m *registry.Model) (*Manifest, error) {
	var man Manifest
	if err := json.Unmarshal(m.Manifest, &man); err != nil {
		return nil, fmt.Errorf("manifest of %s: %w", m.Ref(), err)
	}
	return &man, nil
}
