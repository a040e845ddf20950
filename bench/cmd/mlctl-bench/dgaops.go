package main

import (
	"context"
	"fmt"
	"os"

	dgabench "github.com/mlctl/mlctl/bench/dga"
	"github.com/mlctl/mlctl/deploy/devenv"
)

// dgaOps runs the operational DGA measurements of bench/dga (RunOps):
// what the default recipe alerts on real logs' distinct names beside the
// recipe before issue 13 and heiDGAF's, and a replay of benign and
// infected clients through serve's pipeline, its alerts stored in a
// scratch database on the dev stack's PostgreSQL. Without dataDir it
// prints why and returns nil.
func dgaOps(ctx context.Context, dataDir string) (*dgabench.OpsResult, error) {
	if _, err := os.Stat(dataDir); err != nil {
		fmt.Printf("DGA alerts on real logs and infected clients: skipped, %s is absent (it needs dga/, benign/ and dns/)\n", dataDir)
		return nil, nil
	}
	server := os.Getenv("MLCTL_DATABASE_URL")
	if root, err := devenv.RepoRoot(); server == "" && err == nil {
		server = devenv.Lookup(root, "MLCTL_DATABASE_URL")
	}
	if server == "" {
		server = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	db, drop, err := dgabench.ScratchRegistry(ctx, server)
	if err != nil {
		return nil, err
	}
	defer drop()
	dir, err := os.MkdirTemp("", "mlctl-bench-replay-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	fmt.Println("DGA alerts on real logs and infected clients (bench/dga RunOps)")
	res, err := dgabench.RunOps(ctx, dgabench.OpsOptions{Data: dataDir, Seed: 1, HeldOut: dgabench.ReplayFamilies,
		Synth: dgabench.DefaultSynthOptions(), DB: db, Dir: dir}, os.Stdout)
	if err != nil {
		return nil, err
	}
	fmt.Println("measurement 1: distinct names of real logs, default prefilter then the model (* = in the training part)")
	fmt.Print(dgabench.RealLogTable(res.RealLogs))
	fmt.Println("measurement 2: client replay through serve's pipeline (default recipe)")
	fmt.Print(res.Replay.Table())
	fmt.Println("the same clients, each DGA asking its names in bursts of 3-8 (1-3 s apart) at the same hourly rate:")
	fmt.Print(res.BurstReplay.Table())
	fmt.Println("the first replay again without the model's client threshold (only names over the name threshold count):")
	fmt.Print(res.NameOnlyReplay.Table())
	return res, nil
}
