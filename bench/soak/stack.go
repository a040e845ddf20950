package soak

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/mlctl/mlctl/bench/mlctlproc"
	"github.com/mlctl/mlctl/worker/temporaltest"
)

// stack is what the soak runs on: a fresh database on the PostgreSQL
// server, a Temporal dev server of its own (a dev stack's worker would
// otherwise take its tasks) and the mlctl processes it starts.
type stack struct {
	bin, dir      string
	admin, dbName string
	dbURL         string
	temporal      *testsuite.DevServer
	temporalAddr  string
	mlctlproc.Stack
	keepDB         bool
	temporalLogged *os.File
}

// newStack creates the database and starts the Temporal dev server.
func newStack(ctx context.Context, o Options) (*stack, error) {
	s := &stack{bin: o.Bin, dir: o.Dir, admin: o.ServerURL, keepDB: o.KeepDB, dbName: fmt.Sprintf("mlctl_soak_%d", time.Now().Unix())}
	var err error
	if s.dbURL, err = mlctlproc.CreateDatabase(ctx, o.ServerURL, s.dbName); err != nil {
		return nil, err
	}
	if s.temporalLogged, err = os.Create(filepath.Join(o.Dir, "temporal.log")); err != nil {
		s.close()
		return nil, err
	}
	tctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if s.temporal, err = temporaltest.StartServer(tctx, o.Temporal, s.temporalLogged); err != nil {
		s.close()
		return nil, fmt.Errorf("start a Temporal dev server from %s (`make tools` builds it): %w", o.Temporal, err)
	}
	s.temporalAddr = s.temporal.FrontendHostPort()
	s.CLI = mlctlproc.CLI{Bin: s.bin, Dir: s.dir, Env: mlctlproc.Env(s.dbURL, s.temporalAddr)}
	return s, nil
}

// stopTemporal stops the Temporal dev server once nothing needs it, so it
// takes no CPU while the scorer is measured.
func (s *stack) stopTemporal() {
	if s.temporal != nil {
		s.temporal.Stop()
		s.temporal = nil
	}
}

// close stops every process still running (SIGTERM, SIGKILL after 10 s),
// the Temporal server, and drops the database unless it is kept.
func (s *stack) close() {
	s.StopAll(10 * time.Second)
	s.stopTemporal()
	if s.temporalLogged != nil {
		s.temporalLogged.Close()
	}
	if s.keepDB || s.dbURL == "" {
		return
	}
	mlctlproc.DropDatabase(s.admin, s.dbName)
}

// waitHealthy waits until the scorer at addr has a model loaded (GET
// /healthz answers 200) and its dnstap socket exists.
func waitHealthy(addr, sock string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		resp, err := scrapeClient.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if _, serr := os.Stat(sock); resp.StatusCode == http.StatusOK && serr == nil {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the scorer on %s did not load a model and listen on %s within %v", addr, sock, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
