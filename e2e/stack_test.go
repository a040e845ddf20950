// Package e2e runs mlctl end to end: the real mlctl binary, a real
// PostgreSQL database and a real Temporal dev server, with worker processes
// that tests may kill.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/temporalenv"
	"github.com/mlctl/mlctl/worker/temporaltest"
	"go.temporal.io/sdk/client"
)

var mlctlBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mlctl-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mlctlBin = filepath.Join(dir, "mlctl")
	build := exec.Command("go", "build", "-o", mlctlBin, "github.com/mlctl/mlctl/cmd/mlctl")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build mlctl:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// stack is one test's database and Temporal server.
type stack struct {
	t        *testing.T
	dbURL    string
	db       *registry.DB
	temporal string
	client   client.Client
	dir      string
}

func newStack(t *testing.T) *stack {
	t.Helper()
	url := registrytest.NewDatabase(t)
	db, err := registry.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	srv := temporaltest.Start(t)
	return &stack{t: t, dbURL: url, db: db, temporal: srv.FrontendHostPort(), client: srv.Client(), dir: t.TempDir()}
}

func (s *stack) env() []string {
	return append(temporalenv.DevEnviron(os.Environ(), s.temporal, "default"), "MLCTL_DATABASE_URL="+s.dbURL,
		"MLCTL_WEBHOOK_SECRET="+webhookSecret, "MLCTL_STATE_DIR="+filepath.Join(s.dir, "state"))
}

// run runs mlctl and returns stdout; a non-zero exit fails the test.
func (s *stack) run(args ...string) string {
	s.t.Helper()
	out, errOut, err := s.try(args...)
	if err != nil {
		s.t.Fatalf("mlctl %s: %v\nstderr: %s", strings.Join(args, " "), err, errOut)
	}
	return out
}

// try runs mlctl and returns stdout, stderr and the exit error.
func (s *stack) try(args ...string) (string, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, mlctlBin, args...)
	cmd.Env = s.env()
	cmd.Dir = s.dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// worker is an `mlctl worker` process.
type worker struct {
	cmd    *exec.Cmd
	log    *syncBuffer
	done   chan struct{}
	killed bool
}

func (s *stack) startWorker() *worker {
	s.t.Helper()
	cmd := exec.Command(mlctlBin, "worker")
	cmd.Env = s.env()
	cmd.Dir = s.dir
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start worker: %v", err)
	}
	w := &worker{cmd: cmd, log: log, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(w.done)
	}()
	s.t.Cleanup(func() {
		if !w.killed && w.exited() {
			s.t.Errorf("a worker exited on its own (%v)\nits log:\n%s", cmd.ProcessState, log.String())
		}
		w.kill()
	})
	return w
}

// exited reports whether the process has ended.
func (w *worker) exited() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// kill ends the worker at once, as a crash would (SIGKILL).
func (w *worker) kill() {
	w.killed = true
	if !w.exited() {
		syscall.Kill(-w.cmd.Process.Pid, syscall.SIGKILL)
	}
	<-w.done
}

func (s *stack) writeFile(name, content string) string {
	s.t.Helper()
	p := filepath.Join(s.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		s.t.Fatal(err)
	}
	return p
}
