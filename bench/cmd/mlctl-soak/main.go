// Command mlctl-soak is the soak benchmark (`make soak`): one `mlctl
// serve` under steady HTTP, Zeek dns.log and dnstap load for -duration
// (30m by default), sampled every -interval, with the verdict against
// issue 15's targets: RSS drift < 5%, p99 drift < 20%, goroutines and
// open files flat, alerts exact, nothing dropped.
//
// It needs a PostgreSQL server (MLCTL_DATABASE_URL, else the one `make up`
// wrote to .dev/env, else 127.0.0.1:5432 as user postgres), on which it
// creates and drops a database of its own; bin/mlctl and bin/temporal; and
// the shared corpora ($MLCTL_SHARED_DATA, default ../shared/data).
//
// It prints each sample as it is taken on stderr, the report on stdout,
// and writes the report as JSON to -out. Exit status: 0 every target met,
// 1 a target missed, 2 the soak could not be run.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/mlctl/mlctl/bench/soak"
	"github.com/mlctl/mlctl/deploy/devenv"
)

func main() {
	d := soak.Defaults()
	o := &d
	flag.DurationVar(&o.Duration, "duration", d.Duration, "how long the load runs (the drift windows are minutes 5–10 and the last 5 from 15m on, else the second and last thirds)")
	flag.DurationVar(&o.Interval, "interval", d.Interval, "how often the scorer is sampled")
	flag.IntVar(&o.HTTPRate, "http-rate", d.HTTPRate, "HTTP score requests per second")
	flag.IntVar(&o.HTTPNames, "http-names", d.HTTPNames, "names in each HTTP score request")
	flag.IntVar(&o.ZeekRate, "zeek-rate", d.ZeekRate, "Zeek dns.log lines appended per second")
	flag.IntVar(&o.DnstapRate, "dnstap-rate", d.DnstapRate, "dnstap CLIENT_QUERY frames sent per second")
	flag.Float64Var(&o.DGAShare, "dga-share", d.DGAShare, "share of DGA names in every feed")
	flag.IntVar(&o.Clients, "clients", d.Clients, "benign client IPs of each streaming feed")
	flag.IntVar(&o.Infected, "infected", d.Infected, "client IPs that query the DGA names")
	flag.IntVar(&o.TrainRows, "train-rows", d.TrainRows, "names the model is trained on (half benign, half DGA)")
	flag.Uint64Var(&o.Seed, "seed", d.Seed, "seed of the split, the training and the feeds")
	flag.BoolVar(&o.KeepDB, "keep-db", false, "keep the soak's database after the run")
	out := flag.String("out", ".dev/soak/report.json", "JSON report, relative to the repository root (its folder also holds the run's logs, dns.log, alerts file and the scorer's state directory)")
	flag.Parse()
	if flag.NArg() > 0 {
		fail(fmt.Errorf("unexpected argument %q", flag.Arg(0)))
	}

	root, err := devenv.RepoRoot()
	if err != nil {
		fail(err)
	}
	if o.Data, err = devenv.SharedData(); err != nil {
		fail(err)
	}
	o.ServerURL = os.Getenv("MLCTL_DATABASE_URL")
	if o.ServerURL == "" {
		o.ServerURL = devenv.Lookup(root, "MLCTL_DATABASE_URL")
	}
	if o.ServerURL == "" {
		o.ServerURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	o.Bin, o.Temporal = filepath.Join(root, "bin", "mlctl"), filepath.Join(root, "bin", "temporal")
	for _, b := range []string{o.Bin, o.Temporal} {
		if _, err := os.Stat(b); err != nil {
			fail(fmt.Errorf("%s is missing: `make build` builds bin/mlctl, `make tools` bin/temporal", b))
		}
	}
	if !filepath.IsAbs(*out) {
		*out = filepath.Join(root, *out)
	}
	o.Dir = filepath.Dir(*out)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := soak.Run(ctx, *o, os.Stderr)
	if err != nil {
		if rep != nil {
			rep.Errors = append(rep.Errors, err.Error())
			rep.Write(*out)
		}
		fail(err)
	}
	fmt.Print(rep.Table())
	if err := rep.Write(*out); err != nil {
		fail(err)
	}
	fmt.Printf("wrote %s\n", *out)
	if !rep.Verdict.Pass {
		os.Exit(1)
	}
}

// fail reports an error that kept the soak from running and exits 2.
func fail(err error) {
	fmt.Fprintln(os.Stderr, "mlctl-soak:", err)
	os.Exit(2)
}
