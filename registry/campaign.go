package registry

import (
	"context"
	"fmt"
	"slices"

	"github.com/mlctl/mlctl"
)

// NewCampaignIDs takes n fresh campaign IDs from the campaign_ids sequence:
// positive, never issued before to any scorer, in increasing order. A
// sequence is outside transactions, so IDs of a batch whose alerts are then
// not stored are skipped, never reused.
func (db *DB) NewCampaignIDs(ctx context.Context, n int) ([]int, error) {
	if n < 0 {
		return nil, mlctl.Errorf(mlctl.EINVALID, "campaign IDs: cannot take %d", n)
	}
	if n == 0 {
		return nil, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT nextval('campaign_ids')::integer FROM generate_series(1, $1)`, n)
	if err != nil {
		return nil, fmt.Errorf("take %d campaign IDs: %w", n, err)
	}
	defer rows.Close()
	ids := make([]int, 0, n)
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read campaign ID: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("take %d campaign IDs: %w", n, err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("take %d campaign IDs: got %d", n, len(ids))
	}
	slices.Sort(ids)
	return ids, nil
}
