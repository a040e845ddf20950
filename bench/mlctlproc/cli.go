// Package mlctlproc runs the mlctl binary for the benchmarks that measure
// it from outside, as users run it: commands run to completion, and
// long-running processes (worker, serve) in their own process groups,
// against a database of the benchmark's own.
package mlctlproc

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// CLI runs the mlctl binary Bin in Dir with Env (the environment of every
// process it starts: the stack's database and Temporal).
type CLI struct {
	Bin, Dir string
	Env      []string
}

// Run runs mlctl to completion and returns its stdout; a failure carries
// its stderr.
func (c CLI) Run(ctx context.Context, args ...string) (string, error) {
	out, _, err := c.RunMeasured(ctx, args...)
	return out, err
}

// Usage is what a command cost: its wall time and its peak resident set
// size (the kernel's rusage).
type Usage struct {
	Seconds float64
	MaxRSS  int64 // bytes
}

// RunMeasured is Run, also returning what the command cost.
func (c CLI) RunMeasured(ctx context.Context, args ...string) (string, Usage, error) {
	cmd := exec.CommandContext(ctx, c.Bin, args...)
	cmd.Env, cmd.Dir = c.Env, c.Dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	u := Usage{Seconds: time.Since(start).Seconds()}
	if err != nil {
		return "", u, fmt.Errorf("mlctl %s: %w\n%s", strings.Join(args, " "), err, errOut.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		u.MaxRSS = ru.Maxrss << 10
	}
	return out.String(), u, nil
}

// Start starts a long-running mlctl in its own process group, its output
// to Dir/log.
func (c CLI) Start(log string, args ...string) (*Proc, error) {
	f, err := os.Create(filepath.Join(c.Dir, log))
	if err != nil {
		return nil, err
	}
	defer f.Close() // the process has its own copy of the descriptor
	cmd := exec.Command(c.Bin, args...)
	cmd.Env, cmd.Dir = c.Env, c.Dir
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start mlctl %s: %w", args[0], err)
	}
	p := &Proc{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}
