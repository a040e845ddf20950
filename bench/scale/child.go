package scale

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/internal/procstat"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/learners"
	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/trainingdata"
)

// childEnv carries a child's job (a childJob as JSON): a process started
// with it runs the job, prints a ChildResult and exits.
const childEnv = "MLCTL_SCALE_CHILD"

// childJob is what a child process measures: mode "train" (make the
// generator's first Rows rows as a matrix, train Algo on it) or "load"
// (read dataset DatasetID from DB as a training run does, and build its
// matrix).
type childJob struct {
	Mode      string            `json:"mode"`
	Data      string            `json:"data,omitempty"`
	Seed      uint64            `json:"seed"`
	Rows      int               `json:"rows"`
	Algo      string            `json:"algo,omitempty"`
	Params    map[string]string `json:"params,omitempty"`
	DB        string            `json:"db,omitempty"`
	DatasetID int64             `json:"dataset_id,omitempty"`
}

// ChildResult is one child's measurement. Memory is resident set size
// (/proc/self/status VmRSS, VmHWM), in bytes.
type ChildResult struct {
	Rows     int `json:"rows"`
	Features int `json:"features"`
	// BeforeRSS is the process before it loads anything (runtime, code,
	// and for "train" nothing else).
	BeforeRSS int64 `json:"before_rss"`
	// LoadedRSS is after the raw rows are in memory and garbage is
	// collected: "train" the float32 matrix and labels; "load" the rows
	// trainingdata.Load returns and the matrix built from them.
	LoadedRSS int64 `json:"loaded_rss"`
	// RowsRSS ("load") is after trainingdata.Load, before the matrix.
	RowsRSS int64 `json:"rows_rss,omitempty"`
	// PeakRSS is VmHWM: "train" since LoadedRSS (the peak is reset there),
	// "load" since BeforeRSS.
	PeakRSS int64 `json:"peak_rss"`
	// Seconds is the training time ("train") or the load's ("load").
	Seconds float64 `json:"seconds"`
	// MatrixSeconds ("load") builds the matrix from the rows.
	MatrixSeconds float64 `json:"matrix_seconds,omitempty"`
	// ModelHeap ("train") is the live heap the model adds, after a
	// collection.
	ModelHeap int64 `json:"model_heap,omitempty"`
	// Units are the model's trees.
	Units  int               `json:"units,omitempty"`
	Params map[string]string `json:"params,omitempty"`
	// MaxRSS is the child's peak RSS as the kernel's rusage reports it
	// (set by the parent; the whole life of the process).
	MaxRSS int64 `json:"max_rss"`
}

// IsChild reports whether this process was started as a scale child: the
// benchmark's main calls RunChild and exits with its status.
func IsChild() bool { return os.Getenv(childEnv) != "" }

// RunChild runs the job of this child process, prints its ChildResult as
// JSON on stdout and returns the exit status.
func RunChild() int {
	var job childJob
	if err := json.Unmarshal([]byte(os.Getenv(childEnv)), &job); err != nil {
		fmt.Fprintf(os.Stderr, "scale child: %s: %v\n", childEnv, err)
		return 2
	}
	var res ChildResult
	var err error
	switch job.Mode {
	case "train":
		res, err = childTrain(context.Background(), job)
	case "load":
		res, err = childLoad(context.Background(), job)
	default:
		err = fmt.Errorf("mode %q: want train or load", job.Mode)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "scale child: %v\n", err)
		return 1
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintf(os.Stderr, "scale child: %v\n", err)
		return 1
	}
	return 0
}

// runChild runs job in a new process of this executable and returns its
// result with the kernel's peak RSS.
func runChild(ctx context.Context, job childJob) (ChildResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return ChildResult{}, err
	}
	spec, err := json.Marshal(job)
	if err != nil {
		return ChildResult{}, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), childEnv+"="+string(spec))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return ChildResult{}, fmt.Errorf("scale %s child (%d rows): %w\n%s", job.Mode, job.Rows, err, errOut.String())
	}
	var res ChildResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return ChildResult{}, fmt.Errorf("scale %s child: %w: %q", job.Mode, err, out.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.MaxRSS = ru.Maxrss << 10
	}
	return res, nil
}

// settle collects garbage, returns freed memory to the OS and reads VmRSS.
func settle() (int64, error) {
	runtime.GC()
	debug.FreeOSMemory()
	return procstat.Status(os.Getpid(), "VmRSS")
}

// childTrain makes the matrix, resets the peak, trains and reads the peak.
func childTrain(ctx context.Context, job childJob) (ChildResult, error) {
	l, err := learners.Lookup(mlctl.Algo(job.Algo))
	if err != nil {
		return ChildResult{}, err
	}
	base, err := LoadBase(job.Data)
	if err != nil {
		return ChildResult{}, err
	}
	g, err := NewGenerator(base, job.Seed)
	if err != nil {
		return ChildResult{}, err
	}
	F := len(base.Columns)
	before, err := settle()
	if err != nil {
		return ChildResult{}, err
	}
	x := matrix.New(job.Rows, F)
	y := make([]float32, job.Rows)
	g.Fill(x, y, runtime.GOMAXPROCS(0))
	var shape training.Shape
	for _, v := range y {
		if v == 1 {
			shape.Positives++
		} else {
			shape.Negatives++
		}
	}
	p, err := l.ParseParams(job.Params, job.Seed, shape)
	if err != nil {
		return ChildResult{}, err
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	heapLoaded := int64(ms.HeapAlloc)
	loaded, err := settle()
	if err != nil {
		return ChildResult{}, err
	}
	if err := procstat.ResetPeak(); err != nil {
		return ChildResult{}, err
	}
	start := time.Now()
	m, err := l.Train(ctx, training.Data{X: x, Y: y, FeatureNames: base.Columns}, p, training.Hooks{})
	if err != nil {
		return ChildResult{}, err
	}
	secs := time.Since(start).Seconds()
	peak, err := procstat.Status(os.Getpid(), "VmHWM")
	if err != nil {
		return ChildResult{}, err
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(x)
	runtime.KeepAlive(y)
	runtime.KeepAlive(base)
	return ChildResult{Rows: job.Rows, Features: F, BeforeRSS: before, LoadedRSS: loaded, PeakRSS: peak, Seconds: secs,
		ModelHeap: int64(ms.HeapAlloc) - heapLoaded, Units: m.Units(), Params: p.Map()}, nil
}

// childLoad reads a dataset as a training run does (trainingdata.Load:
// every row's []float64 values from PostgreSQL), then builds its matrix as
// the training activity does (artifact.VectorMatrix), holding both.
func childLoad(ctx context.Context, job childJob) (ChildResult, error) {
	db, err := registry.Open(ctx, job.DB)
	if err != nil {
		return ChildResult{}, err
	}
	defer db.Close()
	before, err := settle()
	if err != nil {
		return ChildResult{}, err
	}
	if err := procstat.ResetPeak(); err != nil {
		return ChildResult{}, err
	}
	start := time.Now()
	rows, lay, err := trainingdata.Load(ctx, db, []int64{job.DatasetID})
	if err != nil {
		return ChildResult{}, err
	}
	secs := time.Since(start).Seconds()
	rowsRSS, err := settle()
	if err != nil {
		return ChildResult{}, err
	}
	start = time.Now()
	idx := make([]int, len(lay.Columns))
	for i := range idx {
		idx[i] = i
	}
	v := make([][]float64, len(rows))
	y := make([]float32, len(rows))
	for i, r := range rows {
		v[i], y[i] = r.Values, float32(r.Label)
	}
	x := artifact.VectorMatrix(idx, v)
	msecs := time.Since(start).Seconds()
	loaded, err := settle()
	if err != nil {
		return ChildResult{}, err
	}
	peak, err := procstat.Status(os.Getpid(), "VmHWM")
	if err != nil {
		return ChildResult{}, err
	}
	runtime.KeepAlive(rows)
	runtime.KeepAlive(x)
	runtime.KeepAlive(y)
	return ChildResult{Rows: len(rows), Features: x.Cols, BeforeRSS: before, RowsRSS: rowsRSS, LoadedRSS: loaded, PeakRSS: peak,
		Seconds: secs, MatrixSeconds: msecs}, nil
}
