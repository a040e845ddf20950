package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/deploy/devenv"
)

// TestVersionFromGitCheckout: `go build` in a git checkout stamps the
// commit, and `mlctl --version` and `mlctl version --json` report it with
// the module version (a pseudo-version of the commit) and the Go version. The checkout is a clone of the
// repository's HEAD (a clean one: a worktree's .git file is not one Go
// stamps from); -trimpath keeps the build cached from one run to the next.
func TestVersionFromGitCheckout(t *testing.T) {
	root, err := devenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	git := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("git", append([]string{"-c", "safe.directory=*"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("clone", "--quiet", "--no-local", root, src)
	head := git("-C", src, "rev-parse", "HEAD")
	committed, err := time.Parse(time.RFC3339, git("-C", src, "log", "-1", "--format=%cI"))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "mlctl")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/mlctl")
	build.Dir = src
	build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=true")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	out, err := exec.Command(bin, "version", "--json").Output()
	if err != nil {
		t.Fatalf("mlctl version --json: %v", err)
	}
	var b mlctl.Build
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatalf("mlctl version --json printed %q: %v", out, err)
	}
	stamped, err := time.Parse(time.RFC3339, b.Time)
	if err != nil || !stamped.Equal(committed) {
		t.Errorf("time %q, want the commit's %s (%v)", b.Time, committed, err)
	}
	// Go 1.24 and later make the module version a pseudo-version of the
	// commit (v0.0.0-20261207224720-0d10971cdbd4), or its tag.
	if b.Revision != head || b.Modified || !strings.HasPrefix(b.Version, "v") || b.Go != runtime.Version() || b.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("mlctl version --json: %+v; want revision %s, not modified, a v... version, %s, %s/%s", b, head, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	}
	line, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("mlctl --version: %v", err)
	}
	if s := string(line); !strings.HasPrefix(s, "mlctl "+b.Version+" "+head[:12]+" "+b.Time+" ") || !strings.Contains(s, runtime.Version()) || strings.Count(s, "\n") != 1 {
		t.Errorf("mlctl --version printed %q", s)
	}
}
