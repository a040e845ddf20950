// Package published loads a published model version from the registry:
// its bytes verified against the published SHA-256, decoded, and its
// manifest. The artifact format itself (package artifact) knows nothing of
// where the bytes are kept.
package published

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

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
// SHA-256 against the published one before decoding, then that the
// registry's row and manifest describe those bytes (algorithm, feature
// set, checksum): any mismatch is an ECORRUPT error and nothing is
// returned.
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
	if err := agree(m, man, art); err != nil {
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

// agree checks that a version's registry row and manifest say what its
// verified artifact is. Fields an older manifest leaves empty are not
// checked.
func agree(m *registry.Model, man *artifact.Manifest, art *artifact.Artifact) error {
	bad := func(what, says, is string) error {
		return mlctl.Errorf(mlctl.ECORRUPT, "model %s: the %s says %s, its verified artifact is %s; refusing to load", m.Ref(), what, says, is)
	}
	switch {
	case m.Algo != string(art.Algo):
		return bad("registry", "algo "+m.Algo, string(art.Algo))
	case man.Algo != "" && man.Algo != string(art.Algo):
		return bad("manifest", "algo "+man.Algo, string(art.Algo))
	case man.FeatureSet != "" && man.FeatureSet != art.FeatureSet.Name:
		return bad("manifest", "feature set "+man.FeatureSet, "of feature set "+art.FeatureSet.Name)
	case man.SHA256 != "" && man.SHA256 != m.SHA256:
		return bad("manifest", "sha256 "+man.SHA256, m.SHA256)
	case man.FeatureNames != nil && !slices.Equal(man.FeatureNames, art.FeatureSet.Names):
		return bad("manifest", fmt.Sprintf("%d feature names", len(man.FeatureNames)), fmt.Sprintf("%d (%s)", len(art.FeatureSet.Names), art.FeatureSet.Name))
	}
	return nil
}
