package tokens

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// referencePython is Debian's interpreter with scikit-learn 1.2.1, which
// `make pyref` installs.
const referencePython = "/usr/bin/python3"

// runPython runs a testdata script with stdin and returns its stdout. It
// fails, never skips, when the interpreter or scikit-learn is missing.
func runPython(t *testing.T, script string, stdin []byte) []byte {
	t.Helper()
	if _, err := os.Stat(referencePython); err != nil {
		t.Fatalf("%s is missing (%v): `make pyref` installs it with scikit-learn", referencePython, err)
	}
	check := exec.Command(referencePython, "-c", "import sklearn, numpy")
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import sklearn (%v: %s): `make pyref` installs it", referencePython, err, out)
	}
	cmd := exec.Command(referencePython, script)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v: %s", referencePython, script, err, stderr.Bytes())
	}
	return out
}
