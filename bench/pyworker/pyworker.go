// Package pyworker runs a reference tool's side of a benchmark: an embedded
// Python script started once with /usr/bin/python3 that loads the data,
// prints a JSON hello line, then answers one command a line with one JSON
// line (so timing on its side excludes process start and file I/O). It
// also reads and writes the little-endian float files the scripts share.
package pyworker

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/mlctl/mlctl/internal/pyref"
)

// Python is the interpreter that has the reference tools (pyref.Python:
// Debian's python3-xgboost and python3-sklearn from `make pyref`, torch
// from `make torchref`).
const Python = pyref.Python

// Worker is a running script.
type Worker struct {
	name   string // for errors: the bench package
	hint   string // what installs the missing module
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Scanner
	stderr *strings.Builder
}

// shared is pyworker.py, the helpers every script imports (reply, load).
//
//go:embed pyworker.py
var shared []byte

// Start writes script to dir/compare.py, with pyworker.py beside it, runs
// it with args and decodes its hello line into hello. name prefixes errors
// (e.g. "forestbench"); hint says what installs the module when an import
// fails.
func Start(ctx context.Context, name, hint, dir string, script []byte, hello any, args ...string) (*Worker, error) {
	path := filepath.Join(dir, "compare.py")
	if err := os.WriteFile(path, script, 0o600); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pyworker.py"), shared, 0o600); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	w := &Worker{name: name, hint: hint, stderr: &strings.Builder{}}
	w.cmd = exec.CommandContext(ctx, Python, append([]string{path}, args...)...)
	w.cmd.Stderr = w.stderr
	var err error
	if w.in, err = w.cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	w.out = bufio.NewScanner(stdout)
	if err := w.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: start %s: %w", name, Python, err)
	}
	if err := w.read(hello); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// Call sends one command and decodes its one-line reply into v.
func (w *Worker) Call(cmd string, v any) error {
	if _, err := io.WriteString(w.in, cmd+"\n"); err != nil {
		return w.fail(fmt.Errorf("send %q: %w", cmd, err))
	}
	return w.read(v)
}

func (w *Worker) read(v any) error {
	if !w.out.Scan() {
		err := w.out.Err()
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return w.fail(err)
	}
	if err := json.Unmarshal(w.out.Bytes(), v); err != nil {
		return w.fail(fmt.Errorf("reply %q: %w", w.out.Text(), err))
	}
	return nil
}

// fail wraps a protocol error with the script's stderr, and the install
// hint when a module is missing.
func (w *Worker) fail(err error) error {
	_ = w.in.Close()
	_ = w.cmd.Wait() // the script has ended or is ending: its stderr is complete
	msg := strings.TrimSpace(w.stderr.String())
	hint := ""
	if strings.Contains(msg, "No module named") {
		hint = " (" + w.hint + ")"
	}
	return fmt.Errorf("%s: %s compare.py: %w%s: %s", w.name, Python, err, hint, msg)
}

// Close ends the script and waits for it.
func (w *Worker) Close() {
	_ = w.in.Close()
	_ = w.cmd.Wait()
}

// WriteFloat32s writes v as little-endian float32s.
func WriteFloat32s(path string, v []float32) error {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return os.WriteFile(path, b, 0o600)
}

// ReadFloat32s reads n little-endian float32s.
func ReadFloat32s(path string, n int) ([]float32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) != 4*n {
		return nil, fmt.Errorf("%s has %d bytes, want %d float32s", path, len(b), n)
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}

// ReadFloat64s reads n little-endian float64s.
func ReadFloat64s(path string, n int) ([]float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) != 8*n {
		return nil, fmt.Errorf("%s has %d bytes, want %d float64s", path, len(b), n)
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return v, nil
}
