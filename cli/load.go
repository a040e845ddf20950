package cli

import (
	"context"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/registry"
)

// loaded is a model version with its verified, decoded artifact.
type loaded struct {
	Model    *registry.Model
	Artifact *artifact.Artifact
	Manifest *artifact.Manifest
	Bytes    []byte
}

// loadModel resolves MODEL[@V], reads its bytes and verifies their SHA-256
// against the published one before decoding; a mismatch is a hard error.
func loadModel(ctx context.Context, db *registry.DB, ref string) (*loaded, error) {
	name, version, err := activities.ParseRef(ref)
	if err != nil {
		return nil, usagef("model %v", err)
	}
	m, err := db.Model(ctx, name, version)
	if err != nil {
		return nil, err
	}
	data, sha, err := db.Artifact(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	if sha != m.SHA256 {
		return nil, registry.Errorf(registry.ECORRUPT, "model %s: artifact checksum %s differs from the published %s", m.Ref(), sha, m.SHA256)
	}
	art, err := artifact.Decode(data, m.SHA256)
	if err != nil {
		return nil, registry.Errorf(registry.ECORRUPT, "model %s: %v", m.Ref(), err)
	}
	man, err := activities.ParseManifest(m)
	if err != nil {
		return nil, err
	}
	return &loaded{Model: m, Artifact: art, Manifest: man, Bytes: data}, nil
}
