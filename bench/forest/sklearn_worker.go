package forestbench

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/training/forest"
	"github.com/mlctl/mlctl/training/gbdt"
)

//go:embed compare.py
var compareScript []byte

// Python is the interpreter that has scikit-learn (Debian: `make pyref`,
// which installs python3-sklearn).
const Python = "/usr/bin/python3"

// skWorker is a running compare.py: it holds the data in memory and runs
// one timed scikit-learn step per command.
type skWorker struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Scanner
	stderr  *strings.Builder
	version string
}

// SklearnParams returns the RandomForestClassifier keyword arguments that
// match p (n_jobs aside).
func SklearnParams(p forest.Params) map[string]any {
	kw := map[string]any{
		"n_estimators":      p.Trees,
		"max_depth":         nil,
		"min_samples_leaf":  p.MinSamplesLeaf,
		"min_samples_split": p.MinSamplesSplit,
		"bootstrap":         p.Bootstrap,
		"class_weight":      nil,
		"random_state":      p.Seed % (1 << 32), // numpy seeds are 32-bit
	}
	if p.MaxDepth > 0 {
		kw["max_depth"] = p.MaxDepth
	}
	if p.ClassWeight == forest.ClassWeightBalanced {
		kw["class_weight"] = "balanced"
	}
	switch mf := p.MaxFeatures; {
	case mf == "sqrt" || mf == "log2":
		kw["max_features"] = mf
	case mf == "all":
		kw["max_features"] = nil
	case strings.ContainsAny(mf, ".eE"):
		f, _ := strconv.ParseFloat(mf, 64)
		kw["max_features"] = f
	default:
		n, _ := strconv.Atoi(mf)
		kw["max_features"] = n
	}
	return kw
}

// startSklearn writes the split matrices to dir and starts compare.py on
// them.
func startSklearn(ctx context.Context, dir string, xtr *gbdt.Matrix, ytr []float32, xte *gbdt.Matrix,
	p forest.Params) (*skWorker, error) {
	files := []struct {
		name string
		v    []float32
	}{{"x_train.f32", xtr.Values}, {"y_train.f32", ytr}, {"x_test.f32", xte.Values}}
	for _, f := range files {
		if err := writeFloat32s(filepath.Join(dir, f.name), f.v); err != nil {
			return nil, err
		}
	}
	params, err := json.Marshal(SklearnParams(p))
	if err != nil {
		return nil, fmt.Errorf("forestbench: %w", err)
	}
	script := filepath.Join(dir, "compare.py")
	for _, f := range []struct {
		path string
		b    []byte
	}{{filepath.Join(dir, "params.json"), params}, {script, compareScript}} {
		if err := os.WriteFile(f.path, f.b, 0o600); err != nil {
			return nil, fmt.Errorf("forestbench: %w", err)
		}
	}
	w := &skWorker{stderr: &strings.Builder{}}
	w.cmd = exec.CommandContext(ctx, Python, script, dir, strconv.Itoa(xtr.Rows), strconv.Itoa(xte.Rows),
		strconv.Itoa(xtr.Cols), filepath.Join(dir, "params.json"))
	w.cmd.Stderr = w.stderr
	if w.in, err = w.cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("forestbench: %w", err)
	}
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("forestbench: %w", err)
	}
	w.out = bufio.NewScanner(stdout)
	if err := w.cmd.Start(); err != nil {
		return nil, fmt.Errorf("forestbench: start %s: %w", Python, err)
	}
	var hello struct{ Version string }
	if err := w.read(&hello); err != nil {
		w.close()
		return nil, err
	}
	w.version = hello.Version
	return w, nil
}

// train times one fit at th threads.
func (w *skWorker) train(th int) (float64, error) {
	var r struct{ Seconds float64 }
	err := w.call(fmt.Sprintf("train %d", th), &r)
	return r.Seconds, err
}

// predict times scoring the held-out rows with the forest last trained at
// th threads and leaves its predictions in DIR/sk_pred_<th>.f32.
func (w *skWorker) predict(th int) (float64, error) {
	var r struct {
		SecondsPerCall float64 `json:"seconds_per_call"`
	}
	err := w.call(fmt.Sprintf("predict %d", th), &r)
	return r.SecondsPerCall, err
}

// call sends one command and decodes its one-line reply into v.
func (w *skWorker) call(cmd string, v any) error {
	if _, err := io.WriteString(w.in, cmd+"\n"); err != nil {
		return w.fail(fmt.Errorf("send %q: %w", cmd, err))
	}
	return w.read(v)
}

func (w *skWorker) read(v any) error {
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

// fail wraps a protocol error with the script's stderr, and an install hint
// when scikit-learn is missing.
func (w *skWorker) fail(err error) error {
	msg := strings.TrimSpace(w.stderr.String())
	hint := ""
	if strings.Contains(msg, "No module named") {
		hint = " (install the reference with `make pyref`: Debian's python3-sklearn)"
	}
	return fmt.Errorf("forestbench: %s compare.py: %w%s: %s", Python, err, hint, msg)
}

// close ends the script and waits for it.
func (w *skWorker) close() {
	_ = w.in.Close()
	_ = w.cmd.Wait()
}
