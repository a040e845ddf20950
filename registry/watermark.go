package registry

import (
	"context"
	"fmt"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/jackc/pgx/v5"
)

// IngestedFile is one new-data file a Retrain read into a dataset: the
// watermark that keeps it from being read again.
type IngestedFile struct {
	Path       string    `json:"path"`
	SHA256     string    `json:"sha256"`
	Size       int64     `json:"size"`
	Lines      int       `json:"lines"`
	Rows       int       `json:"rows"`
	Bad        int       `json:"bad"`
	DatasetID  int64     `json:"dataset_id"`
	WorkflowID string    `json:"workflow_id"`
	IngestedAt time.Time `json:"ingested_at"`
}

// IngestedFiles returns the files already ingested into dataset, keyed by
// path and content hash (see FileKey).
func (db *DB) IngestedFiles(ctx context.Context, dataset string) (map[string]IngestedFile, error) {
	rows, err := db.pool.Query(ctx, `SELECT path, sha256, size, lines, rows, bad, dataset_id, workflow_id, ingested_at
		FROM ingested_files WHERE dataset = $1`, dataset)
	if err != nil {
		return nil, fmt.Errorf("read ingested files of %s: %w", dataset, err)
	}
	defer rows.Close()
	out := map[string]IngestedFile{}
	for rows.Next() {
		var f IngestedFile
		if err := rows.Scan(&f.Path, &f.SHA256, &f.Size, &f.Lines, &f.Rows, &f.Bad, &f.DatasetID, &f.WorkflowID, &f.IngestedAt); err != nil {
			return nil, fmt.Errorf("read ingested files of %s: %w", dataset, err)
		}
		out[FileKey(f.Path, f.SHA256)] = f
	}
	return out, rows.Err()
}

// FileKey identifies a file's content at a path.
func FileKey(path, sha256 string) string { return path + "\x00" + sha256 }

// CreateDatasetFromFiles stores a new dataset version (see CreateDataset)
// and, in the same transaction, records files as ingested into it by
// workflowID: either both happen or neither. A file another run recorded
// meanwhile is a conflict.
func (db *DB) CreateDatasetFromFiles(ctx context.Context, in NewDataset, files []IngestedFile, workflowID string) (d *Dataset, created bool, err error) {
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if d, created, err = createDataset(ctx, tx, in); err != nil {
			return err
		}
		for _, f := range files {
			tag, err := tx.Exec(ctx, `INSERT INTO ingested_files (dataset, path, sha256, size, lines, rows, bad, dataset_id, workflow_id)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
				in.Name, f.Path, f.SHA256, f.Size, f.Lines, f.Rows, f.Bad, d.ID, workflowID)
			if err != nil {
				return fmt.Errorf("record ingest of %s: %w", f.Path, err)
			}
			if tag.RowsAffected() == 0 {
				return mlctl.Errorf(mlctl.ECONFLICT, "%s (sha256 %s) was ingested into %s by another run meanwhile", f.Path, f.SHA256[:12], in.Name)
			}
		}
		return nil
	})
	return d, created, err
}
