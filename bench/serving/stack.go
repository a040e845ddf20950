// Package servingbench measures `mlctl serve` from outside, as users run
// it: real scorer processes on loopback, loaded by Debian's hey and wrk,
// fed dnstap frames over a Frame Streams socket, and promoted through the
// Rollout workflow on the dev stack.
package servingbench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/mlctl/mlctl/bench/mlctlproc"
)

// stack is a fresh registry database on the dev stack's server, with a
// worker process and scorer processes started from the mlctl binary.
type stack struct {
	bin, dir, dbURL, admin, dbName, temporal string
	procs                                    []*mlctlproc.Proc
}

func newStack(ctx context.Context, bin, dir, serverURL, temporal string) (*stack, error) {
	name := fmt.Sprintf("mlctl_bench_%d", time.Now().Unix())
	dbURL, err := mlctlproc.CreateDatabase(ctx, serverURL, name)
	if err != nil {
		return nil, err
	}
	return &stack{bin: bin, dir: dir, dbURL: dbURL, admin: serverURL, dbName: name, temporal: temporal}, nil
}

// cli runs mlctl against the stack's database and the dev stack's Temporal.
func (s *stack) cli() mlctlproc.CLI {
	return mlctlproc.CLI{Bin: s.bin, Dir: s.dir,
		Env: append(os.Environ(), "MLCTL_DATABASE_URL="+s.dbURL, "TEMPORAL_ADDRESS="+s.temporal, "TEMPORAL_NAMESPACE=default")}
}

// run runs mlctl to completion and returns stdout.
func (s *stack) run(ctx context.Context, args ...string) (string, error) {
	return s.cli().Run(ctx, args...)
}

// start starts a long-running mlctl process logging to dir/<log>; close
// stops it.
func (s *stack) start(log string, args ...string) (*mlctlproc.Proc, error) {
	p, err := s.cli().Start(log, args...)
	if err == nil {
		s.procs = append(s.procs, p)
	}
	return p, err
}

// startScorer starts `mlctl serve` and waits until its model is loaded.
func (s *stack) startScorer(name, addr string, args ...string) error {
	all := append([]string{"serve", "--alias", "production", "--http", addr}, args...)
	if _, err := s.start(name+".log", all...); err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("scorer %s did not load a model within 30s (see %s/%s.log)", addr, s.dir, name)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// close stops every process (SIGTERM, then SIGKILL) and drops the database.
func (s *stack) close() {
	for _, p := range s.procs {
		p.Stop(10 * time.Second)
	}
	mlctlproc.DropDatabase(s.admin, s.dbName)
}
