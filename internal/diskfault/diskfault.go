// Package diskfault gives tests a real full disk: a small tmpfs they mount
// and fill, as an alerts file's or a spool's disk looks when it runs out.
package diskfault

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// SmallDisk mounts a tmpfs of size (mount's size= option: "64k", "1m") and
// returns its path; it is unmounted when the test ends. Mounting needs root
// or CAP_SYS_ADMIN, as on the dev and CI machines; without it the test
// fails saying so.
func SmallDisk(tb testing.TB, size string) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		tb.Fatalf("mount a %s tmpfs to play a full disk (needs root or CAP_SYS_ADMIN): %v: %s", size, err, out)
	}
	tb.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// Fill writes a file in dir until its disk is full and returns the file's
// path: removing it frees the space.
func Fill(tb testing.TB, dir string) string {
	tb.Helper()
	p := filepath.Join(dir, "filler")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 1024)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				tb.Fatal(err)
			}
			return p
		}
	}
}
