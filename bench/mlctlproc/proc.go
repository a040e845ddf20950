package mlctlproc

import (
	"os/exec"
	"syscall"
	"time"
)

// Proc is a started mlctl process.
type Proc struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error // what Wait returned, once done is closed
}

// PID is the process's ID.
func (p *Proc) PID() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Exited reports whether the process has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Stop sends SIGTERM and waits up to grace for the exit, then kills the
// process group. It reports whether the process exited within grace, and
// how it exited (nil for status 0).
func (p *Proc) Stop(grace time.Duration) (inTime bool, exit error) {
	if p.Exited() {
		return true, p.err
	}
	syscall.Kill(p.PID(), syscall.SIGTERM)
	select {
	case <-p.done:
		return true, p.err
	case <-time.After(grace):
	}
	syscall.Kill(-p.PID(), syscall.SIGKILL)
	<-p.done
	return false, p.err
}

// Err is how the process exited (nil for status 0), once Done is closed.
func (p *Proc) Err() error {
	if !p.Exited() {
		return nil
	}
	return p.err
}
