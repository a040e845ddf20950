package dga

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mlctl/mlctl/registry"
)

// ScratchRegistry creates a fresh, migrated registry database on the
// PostgreSQL server at serverURL (the dev stack's) for the replay's
// alerts. drop closes it and drops the database.
func ScratchRegistry(ctx context.Context, serverURL string) (db *registry.DB, drop func(), err error) {
	name := fmt.Sprintf("mlctl_bench_replay_%d", time.Now().UnixNano())
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return nil, nil, fmt.Errorf("PostgreSQL for the replay's alerts (`make up`, or set MLCTL_DATABASE_URL): %w", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, nil, fmt.Errorf("create replay database: %w", err)
	}
	dropDB := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, serverURL); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		dropDB()
		return nil, nil, fmt.Errorf("database URL: %w", err)
	}
	u.Path = "/" + name
	db, err = registry.Open(ctx, u.String())
	if err != nil {
		dropDB()
		return nil, nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		dropDB()
		return nil, nil, err
	}
	return db, func() { db.Close(); dropDB() }, nil
}
