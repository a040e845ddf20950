package cli

import (
	"context"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/published"
	"github.com/mlctl/mlctl/registry"
)

// loadModel resolves MODEL[@V], reads its bytes and verifies their SHA-256
// against the published one before decoding; a mismatch is a hard error.
func loadModel(ctx context.Context, db *registry.DB, ref string) (*published.Loaded, error) {
	name, version, err := mlctl.ParseRef(ref)
	if err != nil {
		return nil, usagef("model %v", err)
	}
	m, err := db.Model(ctx, name, version)
	if err != nil {
		return nil, err
	}
	return published.Load(ctx, db, m)
}
