// Package published loads a published model version from the registry:
// its bytes verified against the published SHA-256, decoded, and its
// manifest. The artifact format itself (package artifact) knows nothing of
// where the bytes are kept.
package published

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/registry"
)

// Loaded is a published model version with its verified, decoded artifact.
type Loaded struct {
	Model    *registry.Model
	Artifact *artifact.Artifact
	Manifest *artifact.Manifest
	Bytes    []byte
}

// Store reads a model version's bytes and their stored SHA-256
// (*registry.DB).
type Store interface {
	Artifact(ctx context.Context, modelID int64) ([]byte, string, error)
}

// Load reads a model version's bytes from the registry and verifies their
// SHA-256 against the published one before decoding: a mismatch is an
// ECORRUPT error and nothing is returned.
func Load(ctx context.Context, st Store, m *registry.Model) (*Loaded, error) {
	data, sha, err := st.Artifact(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	if sha != m.SHA256 {
		return nil, mlctl.Errorf(mlctl.ECORRUPT, "model %s: artifact checksum %s differs from the published %s", m.Ref(), sha, m.SHA256)
	}
	art, err := artifact.Decode(data, m.SHA256)
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
func ParseManifest(m *registry.Model) (*artifact.Manifest, error) {
	var man artifact.Manifest
	if err := json.Unmarshal(m.Manifest, &man); err != nil {
		return nil, fmt.Errorf("manifest of %s: %w", m.Ref(), err)
	}
	return &man, nil
}
