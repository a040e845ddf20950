package registry

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// Migrate applies every embedded migration that has not run yet, in order,
// each in its own transaction, and records it in schema_migrations. It is
// safe to run concurrently from several processes.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	names, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		// Serialise concurrent migrators (workers starting together).
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7281001)`); err != nil {
			return fmt.Errorf("lock migrations: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL,
			applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		for _, path := range names {
			base := strings.TrimPrefix(path, "migration/")
			version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
			if err != nil {
				return fmt.Errorf("migration %s: name must start with a number: %w", base, err)
			}
			var done bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, version).Scan(&done); err != nil {
				return fmt.Errorf("check migration %s: %w", base, err)
			}
			if done {
				continue
			}
			sql, err := migrationFS.ReadFile(path)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return fmt.Errorf("apply migration %s: %w", base, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, version, base); err != nil {
				return fmt.Errorf("record migration %s: %w", base, err)
			}
			applied = append(applied, base)
		}
		return nil
	})
	return applied, err
}
