package features

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// referencePython is the interpreter with numpy (and xgboost) that the golden
// generators in testdata run under.
const referencePython = "/usr/bin/python3"

// runPython runs a testdata generator with stdin and returns its stdout; it
// fails the test when the reference interpreter or numpy is missing.
func runPython(t *testing.T, script string, stdin []byte) []byte {
	t.Helper()
	if _, err := os.Stat(referencePython); err != nil {
		t.Fatalf("%s is missing (%v): apt-get install python3-xgboost python3-sklearn", referencePython, err)
	}
	check := exec.Command(referencePython, "-c", "import numpy")
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import numpy (%v: %s): apt-get install python3-xgboost python3-sklearn", referencePython, err, out)
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
