package pyworker

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// RunScript runs a golden-generating python script under Python with stdin
// and returns its stdout, for tests that compare with a reference tool. It
// fails the test, never skips, when the interpreter or one of modules is
// missing, saying that `make pyref` installs them.
func RunScript(t testing.TB, script string, stdin []byte, modules ...string) []byte {
	t.Helper()
	if _, err := os.Stat(Python); err != nil {
		t.Fatalf("%s is missing (%v): `make pyref` installs it with numpy, scikit-learn and xgboost", Python, err)
	}
	if len(modules) > 0 {
		check := exec.Command(Python, "-c", "import "+strings.Join(modules, ", "))
		if out, err := check.CombinedOutput(); err != nil {
			t.Fatalf("%s cannot import %s (%v: %s): `make pyref` installs them", Python, strings.Join(modules, ", "), err, out)
		}
	}
	cmd := exec.Command(Python, script)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v: %s", Python, script, err, stderr.Bytes())
	}
	return out
}
