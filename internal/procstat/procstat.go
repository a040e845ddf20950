// Package procstat reads what Linux's /proc says of a process: the memory
// fields of /proc/PID/status and its open file descriptors, for the tests
// and benchmarks that watch a scorer from outside.
package procstat

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Status reads one "kB" field of /proc/PID/status (VmRSS, VmHWM, RssAnon,
// RssFile, ...), in bytes.
func Status(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("%s of process %d: %w", field, pid, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%s of process %d: %q: %w", field, pid, v, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no %s line in /proc/%d/status", field, pid)
}

// OpenFiles counts a process's open file descriptors (/proc/PID/fd).
func OpenFiles(pid int) (int, error) {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, fmt.Errorf("open files of process %d: %w", pid, err)
	}
	return len(ents), nil
}
