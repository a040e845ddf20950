package registry

import (
	"context"
	"fmt"
	"slices"

	"github.com/mlctl/mlctl"
)

// DefaultKeepVersions is how many of a model's newest versions keep their
// artifact bytes (the bot detector keeps 10 models).
const DefaultKeepVersions = 10

// PruneModelHistory drops the artifact bytes of name's versions older than
// its keep newest, except those an alias points at or ever pointed at (its
// history, so a rollback can always go back), and returns the versions it
// pruned, oldest first. The versions' rows, manifests and evaluations stay;
// loading a pruned version is an error that says so.
func (db *DB) PruneModelHistory(ctx context.Context, name string, keep int) ([]int, error) {
	if keep < 1 {
		return nil, mlctl.Errorf(mlctl.EINVALID, "prune %s: keep %d versions: want at least 1", name, keep)
	}
	rows, err := db.pool.Query(ctx, `
		UPDATE models m SET artifact = NULL, pruned_at = now()
		WHERE m.name = $1 AND m.artifact IS NOT NULL
		  AND m.version <= (SELECT COALESCE(MAX(version), 0) FROM models WHERE name = $1) - $2
		  AND NOT EXISTS (SELECT 1 FROM aliases a WHERE a.model_id = m.id)
		  AND NOT EXISTS (SELECT 1 FROM alias_history h WHERE h.to_model_id = m.id OR h.from_model_id = m.id)
		  AND NOT EXISTS (SELECT 1 FROM shadows s WHERE s.ended_at IS NULL AND (s.challenger_id = m.id OR s.champion_id = m.id))
		RETURNING m.version`, name, keep)
	if err != nil {
		return nil, fmt.Errorf("prune versions of %s: %w", name, err)
	}
	defer rows.Close()
	out := []int{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("prune versions of %s: %w", name, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("prune versions of %s: %w", name, err)
	}
	slices.Sort(out)
	return out, nil
}
