package features

import (
	"testing"

	"github.com/mlctl/mlctl/bench/pyworker"
)

// runPython runs a testdata generator with stdin under the reference
// interpreter (numpy) and returns its stdout.
func runPython(t *testing.T, script string, stdin []byte) []byte {
	t.Helper()
	return pyworker.RunScript(t, script, stdin, "numpy")
}
