package tunebench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/mlctl/mlctl/bench/mlctlproc"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/worker/temporaltest"
	"github.com/mlctl/mlctl/workflows"
)

// stack is the benchmark's own mlctl: a fresh database on the PostgreSQL
// server, a Temporal dev server of its own (a dev stack's worker would
// otherwise take its tasks), its client, and the worker processes of
// the run at hand.
type stack struct {
	mlctlproc.Stack
	bin, dir      string
	admin, dbName string
	dbURL         string
	temporal      *testsuite.DevServer
	tc            client.Client
	db            *registry.DB
	logs          []*os.File
	workers       []*workerProc
}

func newStack(ctx context.Context, o Options) (*stack, error) {
	s := &stack{bin: o.Bin, dir: o.Dir, admin: o.ServerURL, dbName: fmt.Sprintf("mlctl_tunebench_%d", time.Now().Unix())}
	var err error
	if s.dbURL, err = mlctlproc.CreateDatabase(ctx, o.ServerURL, s.dbName); err != nil {
		return nil, err
	}
	tlog, err := os.Create(filepath.Join(o.Dir, "temporal.log"))
	if err != nil {
		s.close()
		return nil, err
	}
	s.logs = append(s.logs, tlog)
	tctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if s.temporal, err = temporaltest.StartServer(tctx, o.Temporal, tlog); err != nil {
		s.close()
		return nil, fmt.Errorf("start a Temporal dev server from %s (`make tools` builds it): %w", o.Temporal, err)
	}
	s.CLI = mlctlproc.CLI{Bin: s.bin, Dir: s.dir, Env: mlctlproc.Env(s.dbURL, s.temporal.FrontendHostPort())}
	if s.tc, err = client.DialContext(ctx, client.Options{HostPort: s.temporal.FrontendHostPort(), Namespace: "default",
		Logger: quietLogger(tlog)}); err != nil {
		s.close()
		return nil, err
	}
	if _, err := s.Run(ctx, "migrate"); err != nil {
		s.close()
		return nil, err
	}
	if s.db, err = registry.Open(ctx, s.dbURL); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// close stops the workers, Temporal, and drops the database.
func (s *stack) close() {
	for _, w := range s.workers {
		w.Stop(10 * time.Second)
	}
	s.StopAll(10 * time.Second)
	if s.db != nil {
		s.db.Close()
	}
	if s.tc != nil {
		s.tc.Close()
	}
	if s.temporal != nil {
		s.temporal.Stop()
	}
	for _, f := range s.logs {
		f.Close()
	}
	if s.dbURL != "" {
		mlctlproc.DropDatabase(s.admin, s.dbName)
	}
}

// workerProc is a started `mlctl worker`.
type workerProc struct {
	*mlctlproc.Proc
	log  string
	cpus string // taskset's CPU list, "" when not pinned
}

// startWorkers starts one `mlctl worker` per entry of cpus ("" unpinned,
// else run under `taskset -c CPUS`), each with GODEBUG=schedtrace so its
// log says the GOMAXPROCS the Go runtime chose, and waits until all of
// them poll the training queue.
func (s *stack) startWorkers(ctx context.Context, run string, cpus []string) ([]*workerProc, error) {
	var ws []*workerProc
	for i, c := range cpus {
		log := fmt.Sprintf("worker-%s-%d.log", run, i)
		// A line a second (SCHED 1000ms: gomaxprocs=N ...): a longer
		// period does not reliably print at start.
		cli := s.CLI
		cli.Env = append(slices.Clone(cli.Env), "GODEBUG=schedtrace=1000")
		args := []string{"worker"}
		if c != "" {
			cli.Bin = "taskset"
			args = append([]string{"-c", c, s.bin}, args...)
		}
		p, err := cli.Start(log, args...)
		if err != nil {
			return ws, err
		}
		w := &workerProc{Proc: p, log: filepath.Join(s.dir, log), cpus: c}
		s.workers = append(s.workers, w)
		ws = append(ws, w)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		ready := 0
		resp, err := s.tc.DescribeTaskQueue(ctx, workflows.TrainingQueue, enumspb.TASK_QUEUE_TYPE_ACTIVITY)
		if err == nil {
			for _, w := range ws {
				if slices.ContainsFunc(resp.Pollers, func(p *taskqueuepb.PollerInfo) bool {
					return strings.HasPrefix(p.GetIdentity(), strconv.Itoa(w.PID())+"@")
				}) {
					ready++
				}
			}
		}
		if ready == len(ws) {
			return ws, nil
		}
		for _, w := range ws {
			if w.Exited() {
				return ws, fmt.Errorf("mlctl worker exited: %v (see %s)", w.Err(), w.log)
			}
		}
		if time.Now().After(deadline) {
			return ws, fmt.Errorf("%d of %d workers poll the training queue after a minute", ready, len(ws))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// quietLogger writes the Temporal client's warnings and errors to w.
func quietLogger(w io.Writer) log.Logger {
	return log.NewStructuredLogger(slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

var gomaxprocsRE = regexp.MustCompile(`gomaxprocs=(\d+)`)

// gomaxprocs is what the worker's runtime says (schedtrace), waiting up
// to 5 s for its first line.
func (w *workerProc) gomaxprocs() (int, error) {
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		b, err := os.ReadFile(w.log)
		if err != nil {
			return 0, err
		}
		if m := gomaxprocsRE.FindSubmatch(b); m != nil {
			return strconv.Atoi(string(m[1]))
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s: no schedtrace line in 5 s", w.log)
		}
	}
}

// allowedCPUs is the worker's affinity as the kernel holds it.
func (w *workerProc) allowedCPUs() (string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", w.PID()))
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Cpus_allowed_list:"); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", fmt.Errorf("no Cpus_allowed_list in /proc/%d/status", w.PID())
}

// cpuSeconds is the CPU time (user + system) the worker used so far.
func (w *workerProc) cpuSeconds() (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", w.PID()))
	if err != nil {
		return 0, err
	}
	// Fields after the command (which may hold spaces) in parentheses.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %q", w.PID(), s)
	}
	return (ut + st) / clockTicks, nil
}

// clockTicks is USER_HZ, 100 on Linux.
const clockTicks = 100
