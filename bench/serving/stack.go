// Package servingbench measures `mlctl serve` from outside, as users run
// it: real scorer processes on loopback, loaded by Debian's hey and wrk,
// fed dnstap frames over a Frame Streams socket, and promoted through the
// Rollout workflow on the dev stack.
package servingbench

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mlctl/mlctl/bench/mlctlproc"
)

// stack is a fresh registry database on the dev stack's server, with a
// worker process and scorer processes started from the mlctl binary.
type stack struct {
	bin, dir, dbURL, admin, dbName, temporal string
	mlctlproc.Stack
}

func newStack(ctx context.Context, bin, dir, serverURL, temporal string) (*stack, error) {
	name := fmt.Sprintf("mlctl_bench_%d", time.Now().Unix())
	dbURL, err := mlctlproc.CreateDatabase(ctx, serverURL, name)
	if err != nil {
		return nil, err
	}
	s := &stack{bin: bin, dir: dir, dbURL: dbURL, admin: serverURL, dbName: name, temporal: temporal}
	s.CLI = mlctlproc.CLI{Bin: bin, Dir: dir, Env: mlctlproc.Env(dbURL, temporal)}
	return s, nil
}

// startScorer starts `mlctl serve` and waits until its model is loaded.
func (s *stack) startScorer(name, addr string, args ...string) error {
	_, err := s.startScorerAt(name, "http", addr, nil, args...)
	return err
}

// startScorerAt is startScorer for a scorer answering scheme (http or
// https, whose certificate is not checked), its /healthz asked with
// headers ("Name: value").
func (s *stack) startScorerAt(name, scheme, addr string, headers []string, args ...string) (*mlctlproc.Proc, error) {
	all := append([]string{"serve", "--alias", "production", "--http", addr}, args...)
	p, err := s.Start(name+".log", all...)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequest("GET", scheme+"://"+addr+"/healthz", nil)
		for _, h := range headers {
			k, v, _ := strings.Cut(h, ": ")
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("scorer %s did not load a model within 30s (see %s/%s.log)", addr, s.dir, name)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// close stops every process (SIGTERM, then SIGKILL) and drops the database.
func (s *stack) close() {
	s.StopAll(10 * time.Second)
	mlctlproc.DropDatabase(s.admin, s.dbName)
}
