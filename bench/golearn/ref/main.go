// golearn draws from math/rand's global source; Go 1.24 made rand.Seed a
// no-op unless this is set, and the benchmark seeds it to see whether the
// same seed gives the same forest.
//
//go:debug randseednop=0

// Command ref is golearn's side of mlctl's forest benchmark
// (bench/golearn): golearn's RandomForest and IsolationForest
// (github.com/sjwhitworth/golearn) fitted and scored on the rows the
// benchmark wrote, timed here so that process start and file reading are
// left out. It is a module of its own because golearn pulls in cgo
// (liblinear, through its meta package) and gonum: mlctl's own build and
// tests never compile it.
//
//	ref DIR
//
// DIR holds job.json (Job) and the matrices it names, raw little-endian
// float32s, row-major: rf_x_train.f32, rf_y_train.f32 and rf_x_test.f32 for
// the random forest, if_x_train.f32 and if_x_test.f32 for the isolation
// forest. Each repeat seeds math/rand's global source with the job's seed
// (golearn takes no seed and draws from that source), fits afresh, scores
// the held-out rows and writes the scores as little-endian float64s:
// rf_votes_R.f64 (the share of trees voting class 1) and if_scores_R.f64
// (golearn's anomaly score, higher is more anomalous). It prints one JSON
// object, Output.
package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/sjwhitworth/golearn/base"
	"github.com/sjwhitworth/golearn/ensemble"
	"github.com/sjwhitworth/golearn/trees"
)

// Job is job.json: what to fit, on how many rows, how often.
type Job struct {
	// Seed seeds math/rand's global source before each fit.
	Seed int64 `json:"seed"`
	// Repeats is how many fresh fits each forest gets.
	Repeats int `json:"repeats"`
	// RandomForest and IsolationForest are left out (null) to skip one.
	RandomForest    *RandomForestJob    `json:"random_forest"`
	IsolationForest *IsolationForestJob `json:"isolation_forest"`
}

// Shape is the size of one forest's matrices.
type Shape struct {
	TrainRows int `json:"train_rows"`
	TestRows  int `json:"test_rows"`
	Cols      int `json:"cols"`
}

// RandomForestJob is ensemble.NewRandomForest(Trees, Features) at Threads
// (GOMAXPROCS: it fits every tree in a goroutine of its own).
type RandomForestJob struct {
	Shape
	Trees    int `json:"trees"`
	Features int `json:"features"`
	Threads  int `json:"threads"`
}

// IsolationForestJob is trees.NewIsolationForest(Trees, MaxDepth,
// Samples); it fits and scores on one goroutine.
type IsolationForestJob struct {
	Shape
	Trees    int `json:"trees"`
	MaxDepth int `json:"max_depth"`
	Samples  int `json:"samples"`
}

// Timings are one forest's wall times in seconds, one per repeat.
type Timings struct {
	FitSeconds   []float64 `json:"fit_seconds"`
	ScoreSeconds []float64 `json:"score_seconds"`
}

// Output is what the command prints.
type Output struct {
	// Golearn is the golearn module version this was built with.
	Golearn string `json:"golearn"`
	Go      string `json:"go"`
	// Missing counts the NaN values replaced by missingValue.
	Missing         int      `json:"missing"`
	RandomForest    *Timings `json:"random_forest,omitempty"`
	IsolationForest *Timings `json:"isolation_forest,omitempty"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: ref DIR")
		os.Exit(2)
	}
	out, err := run(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "golearn ref:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "golearn ref:", err)
		os.Exit(1)
	}
}

func run(dir string) (Output, error) {
	b, err := os.ReadFile(filepath.Join(dir, "job.json"))
	if err != nil {
		return Output{}, err
	}
	var job Job
	if err := json.Unmarshal(b, &job); err != nil {
		return Output{}, fmt.Errorf("job.json: %w", err)
	}
	if job.Repeats < 1 {
		return Output{}, fmt.Errorf("job.json: %d repeats, want at least 1", job.Repeats)
	}
	out := Output{Golearn: golearnVersion(), Go: runtime.Version()}
	if j := job.RandomForest; j != nil {
		t, missing, err := randomForest(dir, j, job.Seed, job.Repeats)
		if err != nil {
			return Output{}, fmt.Errorf("random forest: %w", err)
		}
		out.RandomForest, out.Missing = &t, out.Missing+missing
	}
	if j := job.IsolationForest; j != nil {
		t, missing, err := isolationForest(dir, j, job.Seed, job.Repeats)
		if err != nil {
			return Output{}, fmt.Errorf("isolation forest: %w", err)
		}
		out.IsolationForest, out.Missing = &t, out.Missing+missing
	}
	return out, nil
}

func randomForest(dir string, j *RandomForestJob, seed int64, repeats int) (Timings, int, error) {
	xtr, err := readFloat32s(filepath.Join(dir, "rf_x_train.f32"), j.TrainRows*j.Cols)
	if err != nil {
		return Timings{}, 0, err
	}
	ytr, err := readFloat32s(filepath.Join(dir, "rf_y_train.f32"), j.TrainRows)
	if err != nil {
		return Timings{}, 0, err
	}
	xte, err := readFloat32s(filepath.Join(dir, "rf_x_test.f32"), j.TestRows*j.Cols)
	if err != nil {
		return Timings{}, 0, err
	}
	labels, err := labelStrings(ytr)
	if err != nil {
		return Timings{}, 0, err
	}
	class := labelClass()
	train, m1, err := grid(xtr, j.TrainRows, j.Cols, class, labels)
	if err != nil {
		return Timings{}, 0, err
	}
	// The held-out rows' class is left "0": trees read only features.
	test, m2, err := grid(xte, j.TestRows, j.Cols, class, constantClasses(j.TestRows))
	if err != nil {
		return Timings{}, 0, err
	}
	prev := runtime.GOMAXPROCS(j.Threads)
	defer runtime.GOMAXPROCS(prev)
	var t Timings
	for r := range repeats {
		runtime.GC()
		rand.Seed(seed) //nolint:staticcheck // golearn draws from the global source only
		start := time.Now()
		rf := ensemble.NewRandomForest(j.Trees, j.Features)
		if err := rf.Fit(train); err != nil {
			return Timings{}, 0, err
		}
		mid := time.Now()
		votes, err := voteShares(rf.Model.Models, test, j.TestRows)
		if err != nil {
			return Timings{}, 0, err
		}
		end := time.Now()
		t.FitSeconds = append(t.FitSeconds, mid.Sub(start).Seconds())
		t.ScoreSeconds = append(t.ScoreSeconds, end.Sub(mid).Seconds())
		if err := writeFloat64s(filepath.Join(dir, fmt.Sprintf("rf_votes_%d.f64", r)), votes); err != nil {
			return Timings{}, 0, err
		}
	}
	return t, m1 + m2, nil
}

// voteShares is, for each row of test, the share of trees that predict
// class "1". RandomForest.Predict gives only the majority class (ties
// broken by map order); its trees (Model.Models) are exported, so each
// predicts on its own.
func voteShares(trees []base.Classifier, test base.FixedDataGrid, rows int) ([]float64, error) {
	votes := make([]float64, rows)
	for i, m := range trees {
		pred, err := m.Predict(test)
		if err != nil {
			return nil, fmt.Errorf("tree %d: %w", i, err)
		}
		for r := range rows {
			if base.GetClass(pred, r) == "1" {
				votes[r]++
			}
		}
	}
	for r := range votes {
		votes[r] /= float64(len(trees))
	}
	return votes, nil
}

func isolationForest(dir string, j *IsolationForestJob, seed int64, repeats int) (Timings, int, error) {
	xtr, err := readFloat32s(filepath.Join(dir, "if_x_train.f32"), j.TrainRows*j.Cols)
	if err != nil {
		return Timings{}, 0, err
	}
	xte, err := readFloat32s(filepath.Join(dir, "if_x_test.f32"), j.TestRows*j.Cols)
	if err != nil {
		return Timings{}, 0, err
	}
	class := base.NewFloatAttribute("class")
	train, m1, err := grid(xtr, j.TrainRows, j.Cols, class, constantClasses(j.TrainRows))
	if err != nil {
		return Timings{}, 0, err
	}
	test, m2, err := grid(xte, j.TestRows, j.Cols, class, constantClasses(j.TestRows))
	if err != nil {
		return Timings{}, 0, err
	}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	var t Timings
	for r := range repeats {
		runtime.GC()
		rand.Seed(seed) //nolint:staticcheck // golearn draws from the global source only
		start := time.Now()
		f := trees.NewIsolationForest(j.Trees, j.MaxDepth, j.Samples)
		f.Fit(train)
		mid := time.Now()
		scores := f.Predict(test)
		end := time.Now()
		t.FitSeconds = append(t.FitSeconds, mid.Sub(start).Seconds())
		t.ScoreSeconds = append(t.ScoreSeconds, end.Sub(mid).Seconds())
		if err := writeFloat64s(filepath.Join(dir, fmt.Sprintf("if_scores_%d.f64", r)), scores); err != nil {
			return Timings{}, 0, err
		}
	}
	return t, m1 + m2, nil
}

// golearnVersion is golearn's module version in this binary's build info.
func golearnVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/sjwhitworth/golearn" {
				return d.Version
			}
		}
	}
	return "unknown"
}

// readFloat32s reads a file of exactly n little-endian float32s.
func readFloat32s(path string, n int) ([]float32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) != 4*n {
		return nil, fmt.Errorf("%s: %d bytes, want %d float32s", path, len(b), n)
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out, nil
}

// writeFloat64s writes v as little-endian float64s.
func writeFloat64s(path string, v []float64) error {
	b := make([]byte, 8*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(f))
	}
	return os.WriteFile(path, b, 0o600)
}
