package gbdtbench

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

	"github.com/mlctl/mlctl/training/gbdt"
)

//go:embed compare.py
var compareScript []byte

// Python is the interpreter that has xgboost (Debian: apt-get install
// python3-xgboost python3-sklearn).
const Python = "/usr/bin/python3"

// xgbWorker is a running compare.py: it holds the data in memory and runs
// one timed XGBoost step per command.
type xgbWorker struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Scanner
	stderr  *strings.Builder
	version string
}

// startXGBoost writes the split matrices to dir and starts compare.py on
// them.
func startXGBoost(ctx context.Context, dir string, xtr *gbdt.Matrix, ytr []float32, xte *gbdt.Matrix,
	p gbdt.Params) (*xgbWorker, error) {
	files := []struct {
		name string
		v    []float32
	}{{"x_train.f32", xtr.Values}, {"y_train.f32", ytr}, {"x_test.f32", xte.Values}}
	for _, f := range files {
		if err := writeFloat32s(filepath.Join(dir, f.name), f.v); err != nil {
			return nil, err
		}
	}
	params, err := json.Marshal(map[string]any{
		"num_round": p.Rounds, "max_depth": p.MaxDepth, "eta": p.Eta, "lambda": p.Lambda,
		"alpha": p.Alpha, "gamma": p.Gamma, "min_child_weight": p.MinChildWeight,
		"subsample": p.Subsample, "colsample_bytree": p.ColsampleByTree,
		"scale_pos_weight": p.ScalePosWeight, "base_score": p.BaseScore, "max_bin": p.MaxBin,
		"seed": p.Seed,
	})
	if err != nil {
		return nil, fmt.Errorf("gbdtbench: %w", err)
	}
	script := filepath.Join(dir, "compare.py")
	for _, f := range []struct {
		path string
		b    []byte
	}{{filepath.Join(dir, "params.json"), params}, {script, compareScript}} {
		if err := os.WriteFile(f.path, f.b, 0o600); err != nil {
			return nil, fmt.Errorf("gbdtbench: %w", err)
		}
	}
	w := &xgbWorker{stderr: &strings.Builder{}}
	w.cmd = exec.CommandContext(ctx, Python, script, dir, strconv.Itoa(xtr.Rows), strconv.Itoa(xte.Rows),
		strconv.Itoa(xtr.Cols), filepath.Join(dir, "params.json"))
	w.cmd.Stderr = w.stderr
	if w.in, err = w.cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("gbdtbench: %w", err)
	}
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("gbdtbench: %w", err)
	}
	w.out = bufio.NewScanner(stdout)
	if err := w.cmd.Start(); err != nil {
		return nil, fmt.Errorf("gbdtbench: start %s: %w", Python, err)
	}
	var hello struct{ Version string }
	if err := w.read(&hello); err != nil {
		w.close()
		return nil, err
	}
	w.version = hello.Version
	return w, nil
}

// train times one fresh DMatrix + train at th threads.
func (w *xgbWorker) train(th int) (float64, error) {
	var r struct{ Seconds float64 }
	err := w.call(fmt.Sprintf("train %d", th), &r)
	return r.Seconds, err
}

// predict times scoring the held-out rows with the booster last trained at
// th threads and leaves its predictions in DIR/xgb_pred_<th>.f32.
func (w *xgbWorker) predict(th int) (float64, error) {
	var r struct {
		SecondsPerCall float64 `json:"seconds_per_call"`
	}
	err := w.call(fmt.Sprintf("predict %d", th), &r)
	return r.SecondsPerCall, err
}

// call sends one command and decodes its one-line reply into v.
func (w *xgbWorker) call(cmd string, v any) error {
	if _, err := io.WriteString(w.in, cmd+"\n"); err != nil {
		return w.fail(fmt.Errorf("send %q: %w", cmd, err))
	}
	return w.read(v)
}

func (w *xgbWorker) read(v any) error {
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
// when xgboost is missing.
func (w *xgbWorker) fail(err error) error {
	msg := strings.TrimSpace(w.stderr.String())
	hint := ""
	if strings.Contains(msg, "No module named") {
		hint = " (install the reference: apt-get install python3-xgboost python3-sklearn)"
	}
	return fmt.Errorf("gbdtbench: %s compare.py: %w%s: %s", Python, err, hint, msg)
}

// close ends the script and waits for it.
func (w *xgbWorker) close() {
	_ = w.in.Close()
	_ = w.cmd.Wait()
}
