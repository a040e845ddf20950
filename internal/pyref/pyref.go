// Package pyref runs the reference tools that mlctl's tests compare
// against: Debian's /usr/bin/python3 with numpy, scipy, scikit-learn,
// xgboost and optuna (`make pyref`) or torch (`make torchref`), on
// scripts kept in a package's testdata, exchanging JSON on stdin/stdout
// and little-endian float files. A missing interpreter or module fails
// the test with the make target that installs it; it never skips.
//
// It is support for tests, but an ordinary package (it does not import
// testing), so bench/pyworker shares its Python.
package pyref

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"slices"
	"strings"
)

// Python is the interpreter that has the reference tools.
const Python = "/usr/bin/python3"

// TB is the part of testing.TB pyref uses: tests pass their *testing.T or
// *testing.B.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// installHint says which make target installs modules.
func installHint(modules []string) string {
	if slices.Contains(modules, "torch") {
		return "`make torchref` installs Debian's python3-torch"
	}
	return "`make pyref` installs Debian's python3-xgboost, python3-sklearn and python3-optuna (numpy and scipy come with them)"
}

// Require fails t unless Python exists and can import every module
// ("xgboost", "sklearn", "scipy", "numpy", "optuna", "torch").
func Require(t TB, modules ...string) {
	t.Helper()
	if _, err := os.Stat(Python); err != nil {
		t.Fatalf("%s is missing (%v): %s", Python, err, installHint(modules))
	}
	if len(modules) == 0 {
		return
	}
	list := strings.Join(modules, ", ")
	if out, err := exec.Command(Python, "-c", "import "+list).CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import %s (%v: %s): %s", Python, list, err, bytes.TrimSpace(out), installHint(modules))
	}
}

// Run runs Python with args (a script and its arguments, or -c and a
// program), stdin on its standard input (nil for none), and returns what
// it printed on stdout. When it fails, t fails with its stderr.
func Run(t TB, stdin []byte, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(Python, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v: %s", Python, strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out
}

// WriteFloat32s writes v to path as little-endian float32s, the layout the
// reference scripts read with numpy.fromfile(path, dtype="<f4").
func WriteFloat32s(t TB, path string, v []float32) {
	t.Helper()
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatalf("%v", err)
	}
}

// ReadFloat32s reads the n little-endian float32s a script wrote to path.
func ReadFloat32s(t TB, path string, n int) []float32 {
	t.Helper()
	return readFloats(t, path, n, 4, func(b []byte) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b)) })
}

// ReadFloat64s reads the n little-endian float64s a script wrote to path.
func ReadFloat64s(t TB, path string, n int) []float64 {
	t.Helper()
	return readFloats(t, path, n, 8, func(b []byte) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b)) })
}

// readFloats reads path, which must hold n values of size bytes, and
// decodes each.
func readFloats[F float32 | float64](t TB, path string, n, size int, decode func([]byte) F) []F {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v", err)
	}
	if len(b) != size*n {
		t.Fatalf("%s: %d bytes, want %d float%ds", path, len(b), n, 8*size)
	}
	v := make([]F, n)
	for i := range v {
		v[i] = decode(b[size*i:])
	}
	return v
}
