package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/mlctl/mlctl/bench/scale"
	"github.com/mlctl/mlctl/deploy/devenv"
)

// scaleBench runs the scale table (bench/scale): ingest with bin/mlctl
// (built here) into a database of its own on the PostgreSQL server, the
// loading path, and gbdt and rf trained in child processes of this
// executable at 1×, 4× and 16× rows (rows1x at 1× for ingest, a quarter
// of it for training).
func scaleBench(ctx context.Context, dataDir string, rows1x int) (*scale.Result, error) {
	root, err := devenv.RepoRoot()
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(root, "bin", "mlctl")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/mlctl")
	build.Dir, build.Stdout, build.Stderr = root, os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("build bin/mlctl: %w", err)
	}
	server := os.Getenv("MLCTL_DATABASE_URL")
	if server == "" {
		server = devenv.Lookup(root, "MLCTL_DATABASE_URL")
	}
	if server == "" {
		server = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	dir, err := os.MkdirTemp("", "mlctl-bench-scale-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	o := scale.DefaultOptions(dataDir, bin, dir, server)
	if rows1x > 0 {
		o.Rows, o.TrainRows = rows1x, rows1x/4
	}
	res, err := scale.Run(ctx, o)
	if err != nil {
		return nil, err
	}
	fmt.Println(res.Table())
	return res, nil
}
