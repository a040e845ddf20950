// Package servingbench measures `mlctl serve` from outside, as users run
// it: real scorer processes on loopback, loaded by Debian's hey and wrk,
// fed dnstap frames over a Frame Streams socket, and promoted through the
// Rollout workflow on the dev stack.
package servingbench

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// stack is a fresh registry database on the dev stack's server, with a
// worker process and scorer processes started from the mlctl binary.
type stack struct {
	bin, dir, dbURL, admin, dbName, temporal string
	procs                                    []*exec.Cmd
}

func newStack(ctx context.Context, bin, dir, serverURL, temporal string) (*stack, error) {
	name := fmt.Sprintf("mlctl_bench_%d", time.Now().Unix())
	c, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL at %s: %w (run `make up`)", serverURL, err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, fmt.Errorf("create bench database: %w", err)
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return nil, err
	}
	u.Path = "/" + name
	return &stack{bin: bin, dir: dir, dbURL: u.String(), admin: serverURL, dbName: name, temporal: temporal}, nil
}

func (s *stack) env() []string {
	return append(os.Environ(), "MLCTL_DATABASE_URL="+s.dbURL, "TEMPORAL_ADDRESS="+s.temporal, "TEMPORAL_NAMESPACE=default")
}

// run runs mlctl to completion and returns stdout.
func (s *stack) run(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, s.bin, args...)
	cmd.Env, cmd.Dir = s.env(), s.dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("mlctl %s: %w\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), nil
}

// start starts a long-running mlctl process logging to dir/<log>.
func (s *stack) start(log string, args ...string) (*exec.Cmd, error) {
	f, err := os.Create(s.dir + "/" + log)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(s.bin, args...)
	cmd.Env, cmd.Dir = s.env(), s.dir
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s.procs = append(s.procs, cmd)
	return cmd, nil
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
		syscall.Kill(-p.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-p.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if c, err := pgx.Connect(ctx, s.admin); err == nil {
		c.Exec(ctx, "DROP DATABASE IF EXISTS "+s.dbName+" WITH (FORCE)")
		c.Close(ctx)
	}
}

// freeAddr returns a loopback address with a free port.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
