package soak

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/testsuite"

	"github.com/mlctl/mlctl/worker/temporaltest"
)

// stack is what the soak runs on: a fresh database on the PostgreSQL
// server, a Temporal dev server of its own (a dev stack's worker would
// otherwise take its tasks) and the mlctl processes it starts.
type stack struct {
	bin, dir       string
	admin, dbName  string
	dbURL          string
	temporal       *testsuite.DevServer
	temporalAddr   string
	procs          []*proc
	keepDB         bool
	temporalLogged *os.File
}

// newStack creates the database and starts the Temporal dev server.
func newStack(ctx context.Context, o Options) (*stack, error) {
	s := &stack{bin: o.Bin, dir: o.Dir, admin: o.ServerURL, keepDB: o.KeepDB, dbName: fmt.Sprintf("mlctl_soak_%d", time.Now().Unix())}
	c, err := pgx.Connect(ctx, o.ServerURL)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL at %s: %w (run `make up`, or set MLCTL_DATABASE_URL)", redact(o.ServerURL), err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+s.dbName); err != nil {
		return nil, fmt.Errorf("create the soak's database: %w", err)
	}
	u, err := url.Parse(o.ServerURL)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("database URL: %w", err)
	}
	u.Path = "/" + s.dbName
	s.dbURL = u.String()
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
	return s, nil
}

func (s *stack) env() []string {
	return append(os.Environ(), "MLCTL_DATABASE_URL="+s.dbURL, "TEMPORAL_ADDRESS="+s.temporalAddr, "TEMPORAL_NAMESPACE=default")
}

// run runs mlctl to completion and returns its stdout.
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

// start starts a long-running mlctl process in its own process group,
// logging to dir/<log>.
func (s *stack) start(log string, args ...string) (*proc, error) {
	f, err := os.Create(filepath.Join(s.dir, log))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(s.bin, args...)
	cmd.Env, cmd.Dir = s.env(), s.dir
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start mlctl %s: %w", args[0], err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	s.procs = append(s.procs, p)
	return p, nil
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
	for _, p := range s.procs {
		p.stop(10 * time.Second)
	}
	s.stopTemporal()
	if s.temporalLogged != nil {
		s.temporalLogged.Close()
	}
	if s.keepDB || s.dbURL == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if c, err := pgx.Connect(ctx, s.admin); err == nil {
		c.Exec(ctx, "DROP DATABASE IF EXISTS "+s.dbName+" WITH (FORCE)")
		c.Close(ctx)
	}
}

// proc is a started mlctl process; done closes when it has exited, and err
// is then what Wait returned.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// pid is the process's ID.
func (p *proc) pid() int { return p.cmd.Process.Pid }

// exited reports whether the process has exited.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM and waits up to grace for the exit, then kills the
// process group. It reports whether the process exited within grace, and
// how it exited (nil for status 0).
func (p *proc) stop(grace time.Duration) (inTime bool, exit error) {
	if p.exited() {
		return true, p.err
	}
	syscall.Kill(p.pid(), syscall.SIGTERM)
	select {
	case <-p.done:
		return true, p.err
	case <-time.After(grace):
	}
	syscall.Kill(-p.pid(), syscall.SIGKILL)
	<-p.done
	return false, p.err
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

// freeAddr returns a loopback address with a free port.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// redact hides a URL's password.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the database URL"
	}
	return u.Redacted()
}
