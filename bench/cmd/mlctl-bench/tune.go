package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	tunebench "github.com/mlctl/mlctl/bench/tune"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/deploy/devenv"
)

// tuneBench runs `mlctl tune` against Optuna + xgboost (bench/tune) on a
// database of its own on the PostgreSQL server (MLCTL_DATABASE_URL, else
// the dev stack's, else 127.0.0.1:5432 as user postgres) and a Temporal
// dev server of its own, with bin/mlctl.
func tuneBench(ctx context.Context, rows []datasets.Row, cfg config) (*tunebench.Result, error) {
	root, err := devenv.RepoRoot()
	if err != nil {
		return nil, err
	}
	server := os.Getenv("MLCTL_DATABASE_URL")
	if server == "" {
		server = devenv.Lookup(root, "MLCTL_DATABASE_URL")
	}
	if server == "" {
		server = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	dir, err := os.MkdirTemp("", "mlctl-bench-tune-")
	if err != nil {
		return nil, err
	}
	fmt.Printf("tune: scratch files and logs in %s\n", dir)
	res, err := tunebench.Run(ctx, tunebench.Options{
		Bin: filepath.Join(root, "bin", "mlctl"), Temporal: filepath.Join(root, "bin", "temporal"), Dir: dir, ServerURL: server,
		Rows: rows, Fraction: cfg.tuneFraction, Holdout: tunebench.DefaultHoldout,
		Trials: cfg.tuneTrials, Folds: 5, Parallel: cfg.tuneParallel, Startup: 10, Seed: 1, Log: os.Stdout,
	})
	if err != nil {
		return nil, fmt.Errorf("tuning benchmark (logs in %s): %w", dir, err)
	}
	os.RemoveAll(dir)
	return res, nil
}
