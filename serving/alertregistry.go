package serving

import (
	"context"

	"github.com/mlctl/mlctl/registry"
)

// registryDest delivers alerts to the registry's alerts table, each stored
// once however often it is delivered (by its alert ID).
type registryDest struct{ db *registry.DB }

func (r registryDest) deliver(ctx context.Context, alerts []registry.Alert) error {
	_, err := r.db.AddAlerts(ctx, alerts)
	return err
}
