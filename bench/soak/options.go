// Package soak is a soak benchmark of `mlctl serve`: one real scorer
// process under steady HTTP, Zeek dns.log and dnstap load for a long time
// (30 minutes by default), sampled every 10 seconds, to show that its
// memory, goroutines, open files and latency stay flat and that every
// alert it counts is in the registry and the alerts file.
//
// It sets up its own stack (a fresh database on a PostgreSQL server, a
// Temporal dev server, an `mlctl worker`), trains and promotes a model on
// real names from the shared corpora through the real CLI, then runs the
// scorer and the load; bench/cmd/mlctl-soak is its command and `make soak`
// runs it.
package soak

import (
	"fmt"
	"time"
)

// Options say what to run against and how hard to push.
type Options struct {
	// Bin is the mlctl binary; Temporal the Temporal CLI (bin/temporal).
	Bin, Temporal string
	// ServerURL is a PostgreSQL server URL the soak may create (and drop)
	// a database on.
	ServerURL string
	// Data is the folder of shared corpora (dga/, benign/).
	Data string
	// Dir is where the run keeps its files: logs, dns.log, alerts file,
	// the scorer's state directory.
	Dir string

	// Duration is how long the load runs (default 30m); Interval how
	// often the scorer is sampled (default 10s).
	Duration, Interval time.Duration
	// HTTPRate is score requests per second, HTTPNames names in each.
	HTTPRate, HTTPNames int
	// ZeekRate is dns.log lines appended per second; DnstapRate dnstap
	// CLIENT_QUERY frames sent per second.
	ZeekRate, DnstapRate int
	// DGAShare is the share of DGA names in every feed (the rest benign).
	DGAShare float64
	// Clients is the number of benign client IPs of each streaming feed;
	// Infected the number of clients that query DGA names.
	Clients, Infected int
	// TrainRows is how many names (half benign, half DGA) the model is
	// trained on; the feeds use the others.
	TrainRows int
	// Seed seeds the sample, the split and the feeds.
	Seed uint64
	// KeepDB keeps the soak's database after the run (it is dropped by
	// default).
	KeepDB bool
}

// Defaults are the rates `make soak` runs at: about 6,000 names scored per
// second in all, a small share of what one core scores, so the scorer is
// loaded steadily and never saturated on a 2-core machine. 1% of the
// streams' names are DGA names spread over 100 infected clients: about 15
// per client and 5-minute client window, below the 64 registrable domains
// a window keeps (serving.MaxClientNames), so name alerts keep coming at
// a steady rate all run long instead of stopping once each client's
// window is full, and every window brings new client alerts.
func Defaults() Options {
	return Options{
		Duration: 30 * time.Minute, Interval: 10 * time.Second,
		HTTPRate: 50, HTTPNames: 100, ZeekRate: 500, DnstapRate: 500,
		DGAShare: 0.01, Clients: 200, Infected: 100, TrainRows: 20000, Seed: 1,
	}
}

// Validate reports the first option that cannot be run.
func (o Options) Validate() error {
	switch {
	case o.Bin == "" || o.Temporal == "" || o.ServerURL == "" || o.Data == "" || o.Dir == "":
		return fmt.Errorf("soak: the mlctl binary, the Temporal CLI, a PostgreSQL server, the shared corpora and a run directory are all needed")
	case o.Duration < 30*time.Second:
		return fmt.Errorf("soak: duration %v: want 30s or more (30m for the targets to mean something)", o.Duration)
	case o.Interval < time.Second || o.Interval > o.Duration/6:
		return fmt.Errorf("soak: interval %v: want 1s or more and at most a sixth of the duration (%v), so each drift window holds samples", o.Interval, o.Duration/6)
	case o.HTTPRate < 1 || o.HTTPNames < 1:
		return fmt.Errorf("soak: HTTP rate %d/s of %d names: want at least 1 of each", o.HTTPRate, o.HTTPNames)
	case o.ZeekRate < 1 || o.DnstapRate < 1:
		return fmt.Errorf("soak: dns.log rate %d/s and dnstap rate %d/s: want at least 1 of each", o.ZeekRate, o.DnstapRate)
	case !(o.DGAShare >= 0 && o.DGAShare <= 1):
		return fmt.Errorf("soak: DGA share %v: want 0 to 1", o.DGAShare)
	case o.Clients < 1 || o.Infected < 1 || o.Clients+o.Infected > 65000:
		return fmt.Errorf("soak: %d benign and %d infected clients: want at least 1 of each, 65,000 in all at most", o.Clients, o.Infected)
	case o.TrainRows < 1000:
		return fmt.Errorf("soak: %d training rows: want 1,000 or more", o.TrainRows)
	}
	return nil
}
