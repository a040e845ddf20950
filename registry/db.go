// Package registry stores mlctl's datasets, models, artifacts and evaluations in
// PostgreSQL through pgx. Exported methods open a transaction, call small
// unexported helpers that take it, and commit.
package registry

import (
	"context"
	"fmt"
	"time"

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
	db, err := Connect(url)
	if err != nil {
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// DefaultConnectTimeout bounds each connection attempt of a pool made by
// Connect (or Open) whose URL sets no connect_timeout, so that a registry host that
// does not answer at all fails a query in seconds, not minutes.
const DefaultConnectTimeout = 10 * time.Second

// Connect makes a pool for the database named by a pgx connection string
// without connecting: the first query does. A process that must start while
// PostgreSQL is down (a scorer serving its cached model) uses it, and Ping
// or its queries to learn whether the database answers.
func Connect(url string) (*DB, error) {
	if url == "" {
		return nil, mlctl.Errorf(mlctl.EINVALID, "no database: set MLCTL_DATABASE_URL or --db (run `make up` for a dev stack)")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, mlctl.Errorf(mlctl.EINVALID, "database url: %v", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &DB{pool: pool}, nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		c := db.pool.Config().ConnConfig
		hint := ""
		switch {
		case CertificateRefused(err):
			hint = " (the server's certificate must be signed by the CA in sslrootcert and name the host of the URL)"
		case Unreachable(err):
			hint = " (is PostgreSQL running? `make up` starts one)"
		}
		return fmt.Errorf("connect to database %s:%d/%s: %w%s", c.Host, c.Port, c.Database, err, hint)
	}
	return nil
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
