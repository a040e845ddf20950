package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mlctl/mlctl/deploy/devenv"
)

// stampedVersion is what the tests stamp into their mlctl the way the
// Dockerfile and the Makefile do.
const stampedVersion = "v0.0.0-deploytest"

var (
	buildOnce sync.Once
	builtPath string
	buildErr  string
)

// mlctlBinary builds mlctl once per test run, with the version stamp the
// Dockerfile uses, and returns its path.
func mlctlBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		root, err := devenv.RepoRoot()
		if err != nil {
			buildErr = err.Error()
			return
		}
		dir, err := os.MkdirTemp("", "mlctl-deploy-test-")
		if err != nil {
			buildErr = err.Error()
			return
		}
		builtPath = filepath.Join(dir, "mlctl")
		cmd := exec.Command("go", "build", "-ldflags", "-X github.com/mlctl/mlctl/cli.version="+stampedVersion, "-o", builtPath, "./cmd/mlctl")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = "go build ./cmd/mlctl: " + err.Error() + "\n" + string(out)
		}
	})
	if buildErr != "" {
		t.Fatal(buildErr)
	}
	return builtPath
}

// checkArgs runs mlctl with args and --help: urfave/cli parses every flag
// before it prints the help, so an unknown command or flag fails here as
// it would in the container or the unit.
func checkArgs(t *testing.T, where string, args []string) {
	t.Helper()
	out, err := exec.Command(mlctlBinary(t), append(append([]string{}, args...), "--help")...).CombinedOutput()
	if err != nil || strings.Contains(string(out), "Incorrect Usage") || strings.Contains(string(out), "not defined") {
		t.Errorf("%s: mlctl %s: %v\n%s", where, strings.Join(args, " "), err, firstLines(string(out), 3))
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// repoFile is the path of a file in the repository.
func repoFile(t *testing.T, rel string) string {
	t.Helper()
	root, err := devenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, rel)
}

// TestCheckArgsCatchesUnknownFlags: the check fails an unknown flag and an
// unknown command, so a pass means something.
func TestCheckArgsCatchesUnknownFlags(t *testing.T) {
	for _, args := range [][]string{{"serve", "--no-such-flag", "x"}, {"worker", "--task-queues", "q"}} {
		out, err := exec.Command(mlctlBinary(t), append(args, "--help")...).CombinedOutput()
		if err == nil && !strings.Contains(string(out), "not defined") {
			t.Errorf("mlctl %v --help passed: %s", args, firstLines(string(out), 2))
		}
	}
	out, err := exec.Command(mlctlBinary(t), "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "mlctl "+stampedVersion+" ") {
		t.Errorf("mlctl --version with the Dockerfile's stamp: %q (%v), want it to start %q", out, err, "mlctl "+stampedVersion+" ")
	}
}
