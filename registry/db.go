// Package registry stores mlctl's datasets, models, artifacts and evaluations in
// PostgreSQL through pgx. Exported methods open a transaction, call small
// unexported helpers that take it, and commit.
package registry

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is a connection pool to the registry database.
type DB struct {
	pool *pgxpool.Pool
}

// Open connects to the database named by a pgx connection string and checks
// that it answers.
func Open(ctx context.Context, url string) (*DB, error) {
	if url == "" {
		return nil, mlctl.Errorf(mlctl.EINVALID, "no database: set MLCTL_DATABASE_URL or --db (run `make up` for a dev stack)")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, mlctl.Errorf(mlctl.EINVALID, "database url: %v", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database %s:%d/%s: %w (is PostgreSQL running? `make up` starts one)",
			cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	return &DB{pool: pool}, nil
}

// Close releases every connection.
func (db *DB) Close() { db.pool.Close() }

// Pool exposes the underlying pool for packages that need LISTEN/NOTIFY.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
