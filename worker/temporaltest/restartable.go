package temporaltest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/mlctl/mlctl/internal/netfault"
	"github.com/mlctl/mlctl/workflows"
)

// RestartableServer is a Temporal dev server that a test may stop (or kill)
// and start again: it keeps its state in a SQLite file and listens on the
// same port every time, so workflows, their histories, timers and task
// queues survive a restart, and clients and workers that knew the old
// process find the new one at the same address.
type RestartableServer struct {
	tb       testing.TB
	bin      string
	db       string
	log      string
	hostPort string
	client   client.Client

	mu  sync.Mutex
	cmd *exec.Cmd
	// exited is closed when cmd ends.
	exited chan struct{}
}

// restartReadyTimeout bounds how long a (re)start may take to answer.
const restartReadyTimeout = 2 * time.Minute

// StartRestartable runs a dev server from bin/temporal with a SQLite file
// in a temporary directory, on a free loopback port, with mlctl's search
// attributes registered (a restart registers them again, which is a no-op
// on a file that has them). It stops when the test ends.
func StartRestartable(tb testing.TB) *RestartableServer {
	tb.Helper()
	dir := tb.TempDir()
	port, err := netfault.FreePort()
	if err != nil {
		tb.Fatal(err)
	}
	s := &RestartableServer{
		tb: tb, bin: Binary(tb),
		db: filepath.Join(dir, "temporal.db"), log: filepath.Join(dir, "temporal.log"),
		hostPort: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
	}
	tb.Cleanup(s.cleanup)
	s.Start()
	return s
}

// HostPort is the server's frontend address, the same across restarts.
func (s *RestartableServer) HostPort() string { return s.hostPort }

// Client is a client of the server made at the first start; like any
// Temporal client it reconnects by itself after a restart.
func (s *RestartableServer) Client() client.Client { return s.client }

// Log is what the server processes wrote so far (for a failing test's message).
func (s *RestartableServer) Log() string {
	b, _ := os.ReadFile(s.log)
	return string(b)
}

// Start starts the server (again) and returns once it answers for the
// default namespace.
func (s *RestartableServer) Start() {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.tb.Fatalf("Temporal dev server: start while it is running")
	}
	logFile, err := os.OpenFile(s.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		s.tb.Fatal(err)
	}
	defer logFile.Close()
	host, port, _ := net.SplitHostPort(s.hostPort)
	args := []string{"server", "start-dev", "--ip", host, "--port", port, "--headless",
		"--db-filename", s.db, "--namespace", "default", "--log-level", "error",
		"--dynamic-config-value", "frontend.enableServerVersionCheck=false"}
	for _, sa := range []string{workflows.SearchModel, workflows.SearchAlgo, workflows.SearchDataset, workflows.SearchAlias} {
		args = append(args, "--search-attribute", sa+"=Keyword")
	}
	cmd := exec.Command(s.bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		s.tb.Fatalf("start Temporal dev server: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	s.cmd, s.exited = cmd, exited
	if err := s.waitReady(exited); err != nil {
		s.tb.Fatalf("Temporal dev server on %s: %v\nits log:\n%s", s.hostPort, err, s.Log())
	}
}

// Stop shuts the server down the way an operator would (SIGINT, as
// `temporal server start-dev` expects on ^C) and waits for it to exit.
func (s *RestartableServer) Stop() { s.signal(syscall.SIGINT) }

// Kill ends the server at once, as a crash would (SIGKILL), and waits for
// it to exit.
func (s *RestartableServer) Kill() { s.signal(syscall.SIGKILL) }

func (s *RestartableServer) signal(sig syscall.Signal) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		s.tb.Fatalf("Temporal dev server: %v while it is not running", sig)
	}
	s.cmd.Process.Signal(sig)
	select {
	case <-s.exited:
	case <-time.After(restartReadyTimeout):
		s.cmd.Process.Kill()
		<-s.exited
		s.tb.Fatalf("Temporal dev server did not exit within %s of %v\nits log:\n%s", restartReadyTimeout, sig, s.Log())
	}
	s.cmd = nil
}

// waitReady polls until the default namespace answers (the frontend alone
// may answer before the namespace is loaded), making the client on the
// first start.
func (s *RestartableServer) waitReady(exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), restartReadyTimeout)
	defer cancel()
	var last error
	for {
		if s.client == nil {
			c, err := client.DialContext(ctx, client.Options{HostPort: s.hostPort, Namespace: "default", Logger: quietLogger{}})
			if err == nil {
				s.client = c
			}
			last = err
		}
		if s.client != nil {
			cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
			_, last = s.client.WorkflowService().DescribeNamespace(cctx, &workflowservice.DescribeNamespaceRequest{Namespace: "default"})
			ccancel()
			if last == nil {
				return nil
			}
		}
		select {
		case <-exited:
			return fmt.Errorf("the server exited while starting (last error: %v)", last)
		case <-ctx.Done():
			return fmt.Errorf("not ready within %s: %v", restartReadyTimeout, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (s *RestartableServer) cleanup() {
	if s.client != nil {
		s.client.Close()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			<-s.exited
		}
		s.cmd = nil
	}
}

// quietLogger drops the client's logs (it logs every failed reconnect
// while the server is down, which is the point of the test).
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
