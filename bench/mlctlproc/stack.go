package mlctlproc

import (
	"os"
	"time"

	"github.com/mlctl/mlctl/temporalenv"
)

// Stack is a benchmark's mlctl: a CLI on its database and Temporal server,
// and the long-running processes it started, which StopAll stops.
type Stack struct {
	CLI
	procs []*Proc
}

// Env is the environment of mlctl on the database at dbURL and the
// Temporal frontend at temporal.
func Env(dbURL, temporal string) []string {
	return append(temporalenv.DevEnviron(os.Environ(), temporal, "default"), "MLCTL_DATABASE_URL="+dbURL)
}

// Start is CLI.Start, remembering the process for StopAll.
func (s *Stack) Start(log string, args ...string) (*Proc, error) {
	p, err := s.CLI.Start(log, args...)
	if err == nil {
		s.procs = append(s.procs, p)
	}
	return p, err
}

// StopAll stops every process still running (SIGTERM, SIGKILL after
// grace).
func (s *Stack) StopAll(grace time.Duration) {
	for _, p := range s.procs {
		p.Stop(grace)
	}
}
