package iforestbench

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
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/training/gbdt"
	"github.com/mlctl/mlctl/training/iforest"
)

//go:embed compare.py
var compareScript []byte

// Python is the interpreter that has sklearn (Debian's python3-sklearn
// 1.2.1; `make pyref` installs it).
const Python = "/usr/bin/python3"

// sklearnWorker is a running compare.py: it holds the data in memory and
// runs one timed fit + score per command.
type sklearnWorker struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Scanner
	stderr  *strings.Builder
	version string
}

// sklearnParams are IsolationForest's arguments for p: the same trees,
// samples, features, bootstrap and seed; contamination stays sklearn's
// "auto" (it does not change score_samples).
func sklearnParams(p iforest.Params) map[string]any {
	// A fraction keeps its decimal point ("1.0", not 1): Python reads an
	// integral JSON number as an int, which sklearn takes as a count.
	amount := func(a iforest.Amount) any {
		if a.Count > 0 {
			return a.Count
		}
		return json.RawMessage(a.String())
	}
	return map[string]any{
		"n_estimators": p.Trees, "max_samples": amount(p.MaxSamples), "max_features": amount(p.MaxFeatures),
		"bootstrap": p.Bootstrap, "random_state": p.Seed % (1 << 32),
	}
}

// startSklearn writes the baseline and held-out matrices to dir and starts
// compare.py on them.
func startSklearn(ctx context.Context, dir string, base, xte *gbdt.Matrix, p iforest.Params) (*sklearnWorker, error) {
	for _, f := range []struct {
		name string
		v    []float32
	}{{"x_train.f32", base.Values}, {"x_test.f32", xte.Values}} {
		if err := writeFloat32s(filepath.Join(dir, f.name), f.v); err != nil {
			return nil, err
		}
	}
	params, err := json.Marshal(sklearnParams(p))
	if err != nil {
		return nil, fmt.Errorf("iforestbench: %w", err)
	}
	script := filepath.Join(dir, "compare.py")
	for _, f := range []struct {
		path string
		b    []byte
	}{{filepath.Join(dir, "params.json"), params}, {script, compareScript}} {
		if err := os.WriteFile(f.path, f.b, 0o600); err != nil {
			return nil, fmt.Errorf("iforestbench: %w", err)
		}
	}
	w := &sklearnWorker{stderr: &strings.Builder{}}
	w.cmd = exec.CommandContext(ctx, Python, script, dir, strconv.Itoa(base.Rows), strconv.Itoa(xte.Rows),
		strconv.Itoa(base.Cols), filepath.Join(dir, "params.json"))
	w.cmd.Stderr = w.stderr
	if w.in, err = w.cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("iforestbench: %w", err)
	}
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("iforestbench: %w", err)
	}
	w.out = bufio.NewScanner(stdout)
	if err := w.cmd.Start(); err != nil {
		return nil, fmt.Errorf("iforestbench: start %s: %w", Python, err)
	}
	var hello struct{ Version string }
	if err := w.read(&hello); err != nil {
		w.close()
		return nil, err
	}
	w.version = hello.Version
	return w, nil
}

// run times one fresh fit + score_samples at th threads and leaves the
// scores in DIR/sklearn_scores_<th>.f64.
func (w *sklearnWorker) run(th int) (fit, score float64, err error) {
	var r struct {
		FitSeconds   float64 `json:"fit_seconds"`
		ScoreSeconds float64 `json:"score_seconds"`
	}
	err = w.call(fmt.Sprintf("run %d", th), &r)
	return r.FitSeconds, r.ScoreSeconds, err
}

// call sends one command and decodes its one-line reply into v.
func (w *sklearnWorker) call(cmd string, v any) error {
	if _, err := io.WriteString(w.in, cmd+"\n"); err != nil {
		return w.fail(fmt.Errorf("send %q: %w", cmd, err))
	}
	return w.read(v)
}

func (w *sklearnWorker) read(v any) error {
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

// fail wraps a protocol error with the script's stderr, and an install
// hint when sklearn is missing.
func (w *sklearnWorker) fail(err error) error {
	_ = w.in.Close()
	_ = w.cmd.Wait() // the script has ended or is ending: its stderr is complete
	msg := strings.TrimSpace(w.stderr.String())
	hint := ""
	if strings.Contains(msg, "No module named") {
		hint = " (`make pyref` installs Debian's python3-sklearn)"
	}
	return fmt.Errorf("iforestbench: %s compare.py: %w%s: %s", Python, err, hint, msg)
}

// close ends the script and waits for it.
func (w *sklearnWorker) close() {
	_ = w.in.Close()
	_ = w.cmd.Wait()
}

func writeFloat32s(path string, v []float32) error {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("iforestbench: %w", err)
	}
	return nil
}

func readFloat64s(path string, n int) ([]float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("iforestbench: %w", err)
	}
	if len(b) != 8*n {
		return nil, fmt.Errorf("iforestbench: %s has %d bytes, want %d float64s", path, len(b), n)
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return v, nil
}
