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
	return kbField(fmt.Sprintf("/proc/%d/status", pid), field)
}

// MemInfo reads one "kB" field of /proc/meminfo (MemTotal, MemAvailable,
// ...), in bytes.
func MemInfo(field string) (int64, error) {
	return kbField("/proc/meminfo", field)
}

// kbField reads the "field: N kB" line of a /proc file, in bytes.
func kbField(path, field string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", field, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%s of %s: %q: %w", field, path, v, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no %s line in %s", field, path)
}

// OpenFiles counts a process's open file descriptors (/proc/PID/fd).
func OpenFiles(pid int) (int, error) {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, fmt.Errorf("open files of process %d: %w", pid, err)
	}
	return len(ents), nil
}

// ResetPeak resets this process's peak resident set size (VmHWM) to its
// current one, by writing 5 to /proc/self/clear_refs (Linux 4.0 and
// later), so that a later VmHWM is the peak of what came after.
func ResetPeak() error {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return fmt.Errorf("reset the peak RSS (/proc/self/clear_refs, Linux 4.0 or later): %w", err)
	}
	return nil
}
