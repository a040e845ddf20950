// Package golearnbench runs golearn (github.com/sjwhitworth/golearn) beside
// mlctl's forests and scikit-learn's: its RandomForest and IsolationForest
// fitted on the same rows the other two get, timed, scored on the same
// held-out rows (ROC-AUC with measure.AUC, like theirs), and refitted with
// the same seed to see whether the scores come out the same.
//
// golearn pulls in cgo (liblinear) and gonum, so it lives in a module of its
// own, ./ref, that mlctl's build and tests never compile. Run writes the
// matrices and a job to a temporary directory, builds ./ref with the go
// command (a C compiler must be there), runs it on the directory and reads
// back its timings (JSON on stdout) and its scores (files).
package golearnbench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"

	"github.com/mlctl/mlctl/bench/measure"
	"github.com/mlctl/mlctl/bench/pyworker"
	"github.com/mlctl/mlctl/bench/stats"
	"github.com/mlctl/mlctl/deploy/devenv"
	"github.com/mlctl/mlctl/training/matrix"
)

// RefDir is where the golearn module sits, from the repository root.
const RefDir = "bench/golearn/ref"

// RandomForest is golearn's ensemble.NewRandomForest(Trees, Features) on a
// split: it fits on Split.Train and scores Split.Test.
type RandomForest struct {
	Split measure.Split
	// Trees and Features are NewRandomForest's arguments: golearn draws
	// Features columns once per tree, and the tree (ID3) splits each of
	// them at most once on a path.
	Trees    int `json:"trees"`
	Features int `json:"features"`
	// Threads is GOMAXPROCS while it fits (one goroutine per tree).
	Threads int `json:"threads"`
}

// IsolationForest is golearn's trees.NewIsolationForest(Trees, MaxDepth,
// Samples), fitted on Base and scoring Test; TestLabels are 1 for an
// anomaly. It runs on one goroutine.
type IsolationForest struct {
	Base, Test *matrix.Matrix
	TestLabels []float32
	Trees      int `json:"trees"`
	MaxDepth   int `json:"max_depth"`
	Samples    int `json:"samples"`
}

// Job is one run of golearn's side: either forest may be nil.
type Job struct {
	// Seed seeds math/rand's global source before each fit (golearn takes
	// no seed of its own).
	Seed int64
	// Repeats is how many fresh fits each forest gets (at least 2 to tell
	// whether the same seed gives the same scores).
	Repeats         int
	RandomForest    *RandomForest
	IsolationForest *IsolationForest
}

// Forest is what golearn did with one forest.
type Forest struct {
	// Rows it fitted on and scored.
	TrainRows int `json:"train_rows"`
	TestRows  int `json:"test_rows"`
	// FitSeconds and ScoreSeconds are wall times per repeat, with medians.
	FitSeconds   []float64 `json:"fit_seconds"`
	ScoreSeconds []float64 `json:"score_seconds"`
	FitMedian    float64   `json:"fit_median"`
	ScoreMedian  float64   `json:"score_median"`
	// AUCs is the held-out ROC-AUC of each repeat; AUC their median. For
	// the random forest the score is the share of trees voting malicious;
	// for the isolation forest golearn's anomaly score.
	AUCs []float64 `json:"aucs"`
	AUC  float64   `json:"auc"`
	// MajorityAUC (random forest only) is the ROC-AUC of the hard majority
	// vote (share above one half), which is all RandomForest.Predict gives;
	// median of the repeats.
	MajorityAUC float64 `json:"majority_auc,omitempty"`
	// SameScores is whether every repeat, seeded alike, scored every
	// held-out row exactly as the first did; Differing counts the rows on
	// which the repeat that differed most from the first did not.
	SameScores bool `json:"same_scores"`
	Differing  int  `json:"differing_rows"`
}

// Result is one Run.
type Result struct {
	Golearn string `json:"golearn"`
	Go      string `json:"go"`
	Repeats int    `json:"repeats"`
	// Missing counts the missing (NaN) values given to golearn as -3e38,
	// as scikit-learn's side does.
	Missing         int     `json:"missing"`
	RandomForest    *Forest `json:"random_forest,omitempty"`
	IsolationForest *Forest `json:"isolation_forest,omitempty"`
}

// Run builds the golearn module and runs job with it.
func Run(ctx context.Context, job Job) (Result, error) {
	if job.Repeats < 1 {
		return Result{}, fmt.Errorf("golearnbench: %d repeats, want at least 1", job.Repeats)
	}
	if job.RandomForest == nil && job.IsolationForest == nil {
		return Result{}, errors.New("golearnbench: nothing to run")
	}
	root, err := devenv.RepoRoot()
	if err != nil {
		return Result{}, fmt.Errorf("golearnbench: %w", err)
	}
	dir, err := os.MkdirTemp("", "golearnbench-")
	if err != nil {
		return Result{}, fmt.Errorf("golearnbench: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := WriteJob(dir, job); err != nil {
		return Result{}, err
	}
	bin := filepath.Join(dir, "golearn-ref")
	if err := build(ctx, filepath.Join(root, RefDir), bin); err != nil {
		return Result{}, err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, dir)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return Result{}, fmt.Errorf("golearnbench: %s: %w: %s", RefDir, err, bytes.TrimSpace(stderr.Bytes()))
	}
	out, err := ParseOutput(stdout.Bytes(), job)
	if err != nil {
		return Result{}, err
	}
	return Collect(dir, job, out)
}

// build compiles the module in src to bin. golearn's meta package imports
// its liblinear bindings, so this needs cgo and a C compiler.
func build(ctx context.Context, src, bin string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("golearnbench: building %s (golearn needs cgo: `make pyref` installs Debian's gcc): %w: %s",
			RefDir, err, bytes.TrimSpace(out))
	}
	return nil
}

// refJob is job.json as ./ref reads it (its Job).
type refJob struct {
	Seed            int64            `json:"seed"`
	Repeats         int              `json:"repeats"`
	RandomForest    *refRandomForest `json:"random_forest"`
	IsolationForest *refIsolation    `json:"isolation_forest"`
}

type shape struct {
	TrainRows int `json:"train_rows"`
	TestRows  int `json:"test_rows"`
	Cols      int `json:"cols"`
}

type refRandomForest struct {
	shape
	Trees    int `json:"trees"`
	Features int `json:"features"`
	Threads  int `json:"threads"`
}

type refIsolation struct {
	shape
	Trees    int `json:"trees"`
	MaxDepth int `json:"max_depth"`
	Samples  int `json:"samples"`
}

// WriteJob writes job.json and the matrices of job to dir, in the layout
// ./ref reads.
func WriteJob(dir string, job Job) error {
	rj := refJob{Seed: job.Seed, Repeats: job.Repeats}
	var files []struct {
		name string
		v    []float32
	}
	add := func(name string, v []float32) {
		files = append(files, struct {
			name string
			v    []float32
		}{name, v})
	}
	if f := job.RandomForest; f != nil {
		s := f.Split
		if s.Train == nil || s.Test == nil || s.Train.Cols != s.Test.Cols || len(s.TrainLabels) != s.Train.Rows || len(s.TestLabels) != s.Test.Rows {
			return errors.New("golearnbench: random forest: the split's matrices and labels do not match")
		}
		rj.RandomForest = &refRandomForest{shape: shape{s.Train.Rows, s.Test.Rows, s.Train.Cols}, Trees: f.Trees, Features: f.Features, Threads: f.Threads}
		add("rf_x_train.f32", s.Train.Values)
		add("rf_y_train.f32", s.TrainLabels)
		add("rf_x_test.f32", s.Test.Values)
	}
	if f := job.IsolationForest; f != nil {
		if f.Base == nil || f.Test == nil || f.Base.Cols != f.Test.Cols || len(f.TestLabels) != f.Test.Rows {
			return errors.New("golearnbench: isolation forest: the matrices and labels do not match")
		}
		rj.IsolationForest = &refIsolation{shape: shape{f.Base.Rows, f.Test.Rows, f.Base.Cols}, Trees: f.Trees, MaxDepth: f.MaxDepth, Samples: f.Samples}
		add("if_x_train.f32", f.Base.Values)
		add("if_x_test.f32", f.Test.Values)
	}
	for _, f := range files {
		if err := pyworker.WriteFloat32s(filepath.Join(dir, f.name), f.v); err != nil {
			return fmt.Errorf("golearnbench: %w", err)
		}
	}
	b, err := json.Marshal(rj)
	if err != nil {
		return fmt.Errorf("golearnbench: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "job.json"), b, 0o600); err != nil {
		return fmt.Errorf("golearnbench: %w", err)
	}
	return nil
}

// refTimings and refOutput are what ./ref prints (its Timings and Output).
type refTimings struct {
	FitSeconds   []float64 `json:"fit_seconds"`
	ScoreSeconds []float64 `json:"score_seconds"`
}

type refOutput struct {
	Golearn         string      `json:"golearn"`
	Go              string      `json:"go"`
	Missing         int         `json:"missing"`
	RandomForest    *refTimings `json:"random_forest"`
	IsolationForest *refTimings `json:"isolation_forest"`
}

// ParseOutput reads ./ref's output for job: one JSON object, no unknown
// field, a timing per repeat for each forest the job asked for and none
// for one it did not.
func ParseOutput(b []byte, job Job) (Result, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var out refOutput
	if err := dec.Decode(&out); err != nil {
		return Result{}, fmt.Errorf("golearnbench: %s's output: %w", RefDir, err)
	}
	if dec.More() {
		return Result{}, fmt.Errorf("golearnbench: %s's output: more than one JSON value", RefDir)
	}
	if out.Golearn == "" || out.Go == "" || out.Missing < 0 {
		return Result{}, fmt.Errorf("golearnbench: %s's output: versions %q and %q, %d missing values", RefDir, out.Golearn, out.Go, out.Missing)
	}
	res := Result{Golearn: out.Golearn, Go: out.Go, Repeats: job.Repeats, Missing: out.Missing}
	for _, f := range []struct {
		name   string
		asked  bool
		timing *refTimings
		dst    **Forest
	}{
		{"random_forest", job.RandomForest != nil, out.RandomForest, &res.RandomForest},
		{"isolation_forest", job.IsolationForest != nil, out.IsolationForest, &res.IsolationForest},
	} {
		switch {
		case f.asked != (f.timing != nil):
			return Result{}, fmt.Errorf("golearnbench: %s's output: %s asked %v, reported %v", RefDir, f.name, f.asked, f.timing != nil)
		case !f.asked:
			continue
		case len(f.timing.FitSeconds) != job.Repeats || len(f.timing.ScoreSeconds) != job.Repeats:
			return Result{}, fmt.Errorf("golearnbench: %s's output: %s has %d fit and %d score times for %d repeats",
				RefDir, f.name, len(f.timing.FitSeconds), len(f.timing.ScoreSeconds), job.Repeats)
		}
		for _, s := range slices.Concat(f.timing.FitSeconds, f.timing.ScoreSeconds) {
			if !(s >= 0) {
				return Result{}, fmt.Errorf("golearnbench: %s's output: %s time %v", RefDir, f.name, s)
			}
		}
		*f.dst = &Forest{FitSeconds: f.timing.FitSeconds, ScoreSeconds: f.timing.ScoreSeconds,
			FitMedian: stats.Median(f.timing.FitSeconds), ScoreMedian: stats.Median(f.timing.ScoreSeconds)}
	}
	return res, nil
}

// Collect reads the scores ./ref left in dir for each repeat and fills in
// res's ROC-AUCs and whether the repeats agree.
func Collect(dir string, job Job, res Result) (Result, error) {
	if f := job.RandomForest; f != nil {
		majority := func(votes []float64) []float64 {
			hard := make([]float64, len(votes))
			for i, v := range votes {
				if v > 0.5 {
					hard[i] = 1
				}
			}
			return hard
		}
		if err := scoreRepeats(dir, "rf_votes", job.Repeats, f.Split.TestLabels, res.RandomForest, majority); err != nil {
			return Result{}, err
		}
		res.RandomForest.TrainRows, res.RandomForest.TestRows = f.Split.Train.Rows, f.Split.Test.Rows
	}
	if f := job.IsolationForest; f != nil {
		if err := scoreRepeats(dir, "if_scores", job.Repeats, f.TestLabels, res.IsolationForest, nil); err != nil {
			return Result{}, err
		}
		res.IsolationForest.TrainRows, res.IsolationForest.TestRows = f.Base.Rows, f.Test.Rows
	}
	return res, nil
}

// scoreRepeats reads DIR/PREFIX_R.f64 for each repeat R, scores it against
// labels into f and compares it with the first; with hard, it also scores
// hard(scores) into f.MajorityAUC.
func scoreRepeats(dir, prefix string, repeats int, labels []float32, f *Forest, hard func([]float64) []float64) error {
	var first []float64
	var majority []float64
	f.SameScores = true
	for r := range repeats {
		s, err := pyworker.ReadFloat64s(filepath.Join(dir, fmt.Sprintf("%s_%d.f64", prefix, r)), len(labels))
		if err != nil {
			return fmt.Errorf("golearnbench: %w", err)
		}
		f.AUCs = append(f.AUCs, measure.AUC(s, labels))
		if hard != nil {
			majority = append(majority, measure.AUC(hard(s), labels))
		}
		if r == 0 {
			first = s
			continue
		}
		differing := 0
		for i := range s {
			if s[i] != first[i] {
				differing++
			}
		}
		if differing > 0 {
			f.SameScores = false
		}
		f.Differing = max(f.Differing, differing)
	}
	f.AUC = stats.Median(f.AUCs)
	if hard != nil {
		f.MajorityAUC = stats.Median(majority)
	}
	return nil
}
