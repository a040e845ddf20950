package tokens

import (
	"testing"

	"github.com/mlctl/mlctl/bench/pyworker"
)

// runPython runs a testdata script with stdin under the reference
// interpreter (scikit-learn 1.2.1) and returns its stdout.
func runPython(t *testing.T, script string, stdin []byte) []byte {
	t.Helper()
	return pyworker.RunScript(t, script, stdin, "sklearn", "numpy")
}
