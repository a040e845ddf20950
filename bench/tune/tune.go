// Package tunebench measures `mlctl tune` against Debian's Optuna 3.1
// driving xgboost 1.7 in one process (issue 16): the same DGA feature
// vectors (a tabular dataset both read), the same split, the same folds
// (computed here with tuning.Folds as the Tune workflow folds), the same
// space (gbdt's default, rounds fixed), trial count, seed and objective
// (mean fold ROC-AUC). mlctl runs three times on a stack of its own (a
// fresh database, a Temporal dev server, `mlctl worker` processes): one
// worker on every core, one pinned to core 0, two pinned to cores 0 and 1
// (taskset). For each: wall time of the search and end to end, trials per
// minute, the best objective, and the published best model's ROC-AUC on
// the test part and on the held-out families against the benign test
// rows; Optuna's best parameters are retrained on the same train part and
// scored on the same rows.
package tunebench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/published"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/eval"
	"github.com/mlctl/mlctl/training/gbdt"
	"github.com/mlctl/mlctl/trainingdata"
	"github.com/mlctl/mlctl/tuning"
	"github.com/mlctl/mlctl/workflows"
)

// Options say what to run.
type Options struct {
	// Bin is the mlctl binary, Temporal the Temporal CLI (bin/temporal),
	// Dir a scratch directory (CSV files, logs), ServerURL a PostgreSQL
	// server on which the benchmark creates and drops a database.
	Bin, Temporal, Dir, ServerURL string
	// Rows are the DGA and benign names (label, family); Fraction of each
	// family and of the benign rows is kept (seeded).
	Rows     []datasets.Row
	Fraction float64
	// Holdout are DGA families held out of the search and the training
	// part: all in the test part.
	Holdout  []string
	Trials   int
	Folds    int
	Parallel int
	Startup  int
	Seed     uint64
	// Log gets progress lines.
	Log io.Writer
}

// DefaultHoldout are hard families of ../shared/data to hold out: three
// that draw dictionary words (suppobox, gozi, nymaim2) and one of random
// letters (qakbot).
var DefaultHoldout = []string{"gozi", "nymaim2", "qakbot", "suppobox"}

// Result is the benchmark's outcome.
type Result struct {
	When       time.Time `json:"when"`
	Machine    string    `json:"machine"`
	Rows       int       `json:"rows"`
	DGARows    int       `json:"dga_rows"`
	BenignRows int       `json:"benign_rows"`
	Fraction   float64   `json:"fraction"`
	Features   int       `json:"features"`
	FeatureSet string    `json:"feature_set"`
	Holdout    []string  `json:"holdout_families"`
	// Split and fold sizes (rows).
	TrainRows       int      `json:"train_rows"`
	ValidationRows  int      `json:"validation_rows"`
	TestRows        int      `json:"test_rows"`
	TunedRows       int      `json:"tuned_rows"`
	HoldoutTestRows int      `json:"holdout_test_rows"`
	BenignTestRows  int      `json:"benign_test_rows"`
	Trials          int      `json:"trials"`
	Folds           int      `json:"folds"`
	Parallel        int      `json:"parallel"`
	Startup         int      `json:"startup"`
	Seed            uint64   `json:"seed"`
	Space           []string `json:"space"`
	Objective       string   `json:"objective"`
	Rungs           []int    `json:"rungs"`

	Mlctl  []MlctlRun    `json:"mlctl"`
	Optuna *OptunaResult `json:"optuna"`
	// OptunaCommandSeconds is the python process's wall time (data load,
	// search, retrain).
	OptunaCommandSeconds float64 `json:"optuna_command_seconds"`

	// WallRatio is mlctl's search wall time with one unpinned worker over
	// Optuna's; ThroughputRatio two pinned workers' trials per minute over
	// one pinned worker's.
	WallRatio       float64 `json:"wall_ratio"`
	ThroughputRatio float64 `json:"throughput_ratio"`
	// SameTrials says the pinned runs (same seed and parallel) sampled the
	// same parameters and got the same values, trial for trial; Differ
	// says where they did not.
	SameTrials bool   `json:"same_trials"`
	Differ     string `json:"differ,omitempty"`
}

// MlctlRun is one `mlctl tune` run.
type MlctlRun struct {
	Name    string `json:"name"`
	Workers int    `json:"workers"`
	// Pinning is how the workers were pinned; CPUsAllowed and GOMAXPROCS
	// are what each worker's kernel affinity and Go runtime said.
	Pinning     string   `json:"pinning"`
	CPUsAllowed []string `json:"cpus_allowed"`
	GOMAXPROCS  []int    `json:"gomaxprocs"`
	// WorkerCPUSeconds is each worker's CPU time over the run.
	WorkerCPUSeconds []float64 `json:"worker_cpu_seconds"`
	// SearchSeconds is from the Tune workflow's start to its retraining
	// child's; RetrainSeconds the child's; WorkflowSeconds the whole Tune;
	// CommandSeconds `mlctl tune --wait` end to end.
	SearchSeconds   float64 `json:"search_seconds"`
	RetrainSeconds  float64 `json:"retrain_seconds"`
	WorkflowSeconds float64 `json:"workflow_seconds"`
	CommandSeconds  float64 `json:"command_seconds"`
	TrialsPerMinute float64 `json:"trials_per_minute"`
	// FoldSeconds sums the fold activities' own seconds (TuneFold,
	// including building a fold's data on a worker that lacks it).
	FoldSeconds float64 `json:"fold_seconds"`
	// Trees are the trees the trials' folds reached (a resumed rung adds
	// to the last one's); Optuna trains Trials × Folds × rounds.
	Trees    int `json:"trees"`
	Complete int `json:"complete"`
	Pruned   int `json:"pruned"`
	Failed   int `json:"failed"`

	Best       float64           `json:"best"`
	BestTrial  int               `json:"best_trial"`
	BestParams map[string]string `json:"best_params"`
	Model      string            `json:"model"`
	// TestAUC is TrainModel's ROC-AUC on the test part; Rescored the same
	// rows scored here with the published artifact (a check); HoldoutAUC
	// the held-out families against the benign test rows.
	TestAUC         float64 `json:"test_auc"`
	TestAUCRescored float64 `json:"test_auc_rescored"`
	HoldoutAUC      float64 `json:"holdout_auc"`

	trials []workflows.TuneTrial
}

// Run runs the benchmark.
func Run(ctx context.Context, o Options) (*Result, error) {
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, "tune: "+format+"\n", args...) }
	space, err := tuning.ParseSpace(append(gbdt.Learner{}.SearchSpace(), "rounds=100"))
	if err != nil {
		return nil, err
	}
	res := &Result{When: time.Now().UTC(), Machine: fmt.Sprintf("%s/%s, %d cores", runtime.GOOS, runtime.GOARCH, runtime.NumCPU()),
		Fraction: o.Fraction, Holdout: o.Holdout, Trials: o.Trials, Folds: o.Folds, Parallel: o.Parallel, Startup: o.Startup,
		Seed: o.Seed, Space: space.Specs(), Objective: tuning.DefaultObjective.String()}

	rows := Subsample(o.Rows, o.Fraction, o.Seed)
	for _, r := range rows {
		if r.Label == 1 {
			res.DGARows++
		} else {
			res.BenignRows++
		}
	}
	res.Rows = len(rows)
	for _, f := range o.Holdout {
		if !slices.ContainsFunc(rows, func(r datasets.Row) bool { return r.Family == f }) {
			return nil, fmt.Errorf("tunebench: no rows of family %s to hold out", f)
		}
	}
	logf("%d rows (%d DGA, %d benign, %.0f%% of each family); features ...", res.Rows, res.DGARows, res.BenignRows, 100*o.Fraction)
	vec, err := Featurize(rows, 1)
	if err != nil {
		return nil, err
	}
	res.Features, res.FeatureSet = len(vec.Columns), "domain"
	csvPath := filepath.Join(o.Dir, "tunebench.csv")
	if err := vec.WriteCSV(csvPath); err != nil {
		return nil, err
	}

	s, err := newStack(ctx, o)
	if err != nil {
		return nil, err
	}
	defer s.close()
	if _, err := s.Run(ctx, "dataset", "ingest", "tunebench", "--kind", "tabular", "--file", csvPath,
		"--key-column", "key", "--label-column", "label", "--family-column", "family"); err != nil {
		return nil, err
	}

	runs := []struct {
		name, pinning string
		cpus          []string
		extra         []string
	}{
		{"1 worker, both cores", "none", []string{""}, nil},
		{"1 worker, pinned", "taskset -c 0", []string{"0"}, nil},
		{"2 workers, pinned", "taskset -c 0 and -c 1", []string{"0", "1"}, nil},
		// Every trial at its full 100 trees, as Optuna trains them: the
		// samplers side by side without successive halving.
		{"1 worker, no halving", "none", []string{""}, []string{"--no-halving"}},
	}
	for i, rc := range runs {
		logf("mlctl, %s: %d trials ...", rc.name, o.Trials)
		mr, tr, err := s.tune(ctx, o, space, fmt.Sprintf("tunebench-%c", 'a'+i), rc.cpus, rc.extra...)
		if err != nil {
			return nil, fmt.Errorf("mlctl tune, %s: %w", rc.name, err)
		}
		mr.Name, mr.Pinning = rc.name, rc.pinning
		res.Rungs = tr.Rungs
		ev, err := s.evaluate(ctx, o, tr, res)
		if err != nil {
			return nil, err
		}
		mr.TestAUCRescored, mr.HoldoutAUC = ev.test, ev.holdout
		logf("mlctl, %s: search %.1f s (%.1f trials/min), best %.4f, test ROC-AUC %.4f, held-out families %.4f",
			rc.name, mr.SearchSeconds, mr.TrialsPerMinute, mr.Best, mr.TestAUC, mr.HoldoutAUC)
		res.Mlctl = append(res.Mlctl, *mr)
		if i > 0 {
			continue
		}
		// Optuna after the first run: the split is mlctl's, stored by it.
		assign := filepath.Join(o.Dir, "assign.csv")
		if err := ev.assign.WriteCSV(assign); err != nil {
			return nil, err
		}
		logf("optuna + xgboost: %d trials ...", o.Trials)
		olog, err := os.Create(filepath.Join(o.Dir, "optuna.log"))
		if err != nil {
			return nil, err
		}
		start := time.Now()
		or, err := RunOptuna(ctx, o.Dir, OptunaRequest{CSV: csvPath, Assign: assign, Columns: vec.Columns, Space: space,
			Rounds: 100, Trials: o.Trials, Folds: o.Folds, Startup: o.Startup, Seed: o.Seed, Threads: runtime.NumCPU(),
			MaxBin: gbdt.DefaultParams().MaxBin, BaseScore: gbdt.DefaultParams().BaseScore, HoldoutFamilies: o.Holdout}, olog)
		olog.Close()
		if err != nil {
			return nil, err
		}
		res.OptunaCommandSeconds = time.Since(start).Seconds()
		res.Optuna = or
		if or.HoldoutRows != res.HoldoutTestRows || or.TestRows != res.TestRows || or.TunedRows != res.TunedRows {
			return nil, fmt.Errorf("tunebench: Optuna saw %d test rows (%d held-out, %d tuned), mlctl %d (%d, %d)",
				or.TestRows, or.HoldoutRows, or.TunedRows, res.TestRows, res.HoldoutTestRows, res.TunedRows)
		}
		logf("optuna: search %.1f s, best %.4f, test ROC-AUC %.4f, held-out families %.4f",
			or.SearchSeconds, or.Best.Value, or.TestAUC, or.HoldoutAUC)
	}
	a, b, c := res.Mlctl[0], res.Mlctl[1], res.Mlctl[2]
	res.WallRatio = a.SearchSeconds / res.Optuna.SearchSeconds
	res.ThroughputRatio = c.TrialsPerMinute / b.TrialsPerMinute
	res.Differ = DiffTrials(b.trials, c.trials)
	res.SameTrials = res.Differ == ""
	return res, nil
}

// tune runs `mlctl tune` (with extra arguments) with workers on cpus and
// measures it.
func (s *stack) tune(ctx context.Context, o Options, space tuning.Space, model string, cpus []string, extra ...string) (*MlctlRun, *workflows.TuneResult, error) {
	ws, err := s.startWorkers(ctx, model, cpus)
	defer func() {
		for _, w := range ws {
			w.Stop(10 * time.Second)
		}
	}()
	if err != nil {
		return nil, nil, err
	}
	mr := &MlctlRun{Workers: len(ws)}
	cpu0 := make([]float64, len(ws))
	for i, w := range ws {
		if cpu0[i], err = w.cpuSeconds(); err != nil {
			return nil, nil, err
		}
		n, err := w.gomaxprocs()
		if err != nil {
			return nil, nil, err
		}
		allowed, err := w.allowedCPUs()
		if err != nil {
			return nil, nil, err
		}
		mr.GOMAXPROCS, mr.CPUsAllowed = append(mr.GOMAXPROCS, n), append(mr.CPUsAllowed, allowed)
	}
	args := []string{"tune", "--dataset", "tunebench", "--algo", "gbdt", "--model", model, "--objective", "roc_auc",
		"--trials", strconv.Itoa(o.Trials), "--folds", strconv.Itoa(o.Folds), "--parallel", strconv.Itoa(o.Parallel),
		"--startup", strconv.Itoa(o.Startup), "--seed", strconv.FormatUint(o.Seed, 10), "--wait", "--json"}
	for _, p := range space.Params {
		if p.Fixed() {
			args = append(args, "--param", p.String())
		}
	}
	for _, f := range o.Holdout {
		args = append(args, "--holdout-family", f)
	}
	args = append(args, extra...)
	start := time.Now()
	out, err := s.Run(ctx, args...)
	if err != nil {
		return nil, nil, err
	}
	mr.CommandSeconds = time.Since(start).Seconds()
	for i, w := range ws {
		c, err := w.cpuSeconds()
		if err != nil {
			return nil, nil, err
		}
		mr.WorkerCPUSeconds = append(mr.WorkerCPUSeconds, c-cpu0[i])
	}
	var tr workflows.TuneResult
	if err := json.Unmarshal([]byte(out), &tr); err != nil {
		return nil, nil, fmt.Errorf("mlctl tune --json: %w", err)
	}
	if tr.Model == nil || tr.Tuned == nil {
		return nil, nil, fmt.Errorf("mlctl tune published no model")
	}
	if !slices.Equal(tr.Tuned.Space, space.Specs()) {
		return nil, nil, fmt.Errorf("mlctl tune searched %v, the benchmark gives Optuna %v", tr.Tuned.Space, space.Specs())
	}
	if err := s.timeWorkflows(ctx, tr.RunID, mr); err != nil {
		return nil, nil, err
	}
	mr.TrialsPerMinute = float64(len(tr.Trials)) / mr.SearchSeconds * 60
	for _, t := range tr.Trials {
		mr.FoldSeconds += t.Seconds
		mr.Trees += t.Units * o.Folds
		switch t.Status {
		case mlctl.TrialComplete:
			mr.Complete++
		case mlctl.TrialPruned:
			mr.Pruned++
		default:
			mr.Failed++
		}
	}
	mr.Best, mr.BestTrial, mr.BestParams = *tr.Best.Value, tr.Best.Number, tr.Best.Params
	mr.Model, mr.TestAUC = fmt.Sprintf("%s@%d", tr.Model.Model, tr.Model.Version), tr.Model.Metrics.AUCROC
	mr.trials = tr.Trials
	return mr, &tr, nil
}

// timeWorkflows reads the Tune workflow's and its retraining child's
// start and close times from Temporal.
func (s *stack) timeWorkflows(ctx context.Context, id string, mr *MlctlRun) error {
	parent, err := s.tc.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return err
	}
	child, err := s.tc.DescribeWorkflowExecution(ctx, id+"-train", "")
	if err != nil {
		return err
	}
	p, c := parent.GetWorkflowExecutionInfo(), child.GetWorkflowExecutionInfo()
	ps, pc := p.GetStartTime().AsTime(), p.GetCloseTime().AsTime()
	cs, cc := c.GetStartTime().AsTime(), c.GetCloseTime().AsTime()
	mr.SearchSeconds = cs.Sub(ps).Seconds()
	mr.RetrainSeconds = cc.Sub(cs).Seconds()
	mr.WorkflowSeconds = pc.Sub(ps).Seconds()
	return nil
}

// evaluation is a published model scored on the test part here.
type evaluation struct {
	test, holdout float64
	assign        *Assignment
}

// evaluate scores the run's published model on the test part, and on the
// held-out families against the benign test rows; it fills the split's
// sizes in res and folds the rows as the run did.
func (s *stack) evaluate(ctx context.Context, o Options, tr *workflows.TuneResult, res *Result) (*evaluation, error) {
	d, err := s.db.Dataset(ctx, "tunebench", 0)
	if err != nil {
		return nil, err
	}
	rows, lay, split, err := trainingdata.LoadSplit(ctx, s.db, []int64{d.ID}, tr.Model.Split.SplitID)
	if err != nil {
		return nil, err
	}
	m, err := s.db.Model(ctx, tr.Model.Model, tr.Model.Version)
	if err != nil {
		return nil, err
	}
	l, err := published.Load(ctx, s.db, m)
	if err != nil {
		return nil, err
	}
	sc, err := artifact.NewScorer(l.Artifact)
	if err != nil {
		return nil, err
	}
	test := trainingdata.Part(rows, split, registry.PartTest)
	vecs := make([][]float64, len(test))
	labels := make([]int, len(test))
	var hs []float64
	var hl []int
	for i, r := range test {
		vecs[i], labels[i] = r.Values, r.Label
	}
	scores := make([]float64, len(test))
	if err := sc.ScoreVectors(lay.Columns, vecs, scores); err != nil {
		return nil, err
	}
	holdout, benign := 0, 0
	for i, r := range test {
		if r.Label == 0 || slices.Contains(o.Holdout, r.Family) {
			hs, hl = append(hs, scores[i]), append(hl, r.Label)
			if r.Label == 0 {
				benign++
			} else {
				holdout++
			}
		}
	}
	a, err := Assign(rows, split, o.Folds, tuning.ByFamily, o.Seed)
	if err != nil {
		return nil, err
	}
	res.TrainRows, res.ValidationRows, res.TestRows = split.Train, split.Validation, split.Test
	res.TunedRows, res.HoldoutTestRows, res.BenignTestRows = split.Train+split.Validation, holdout, benign
	return &evaluation{test: eval.ROCAUC(scores, labels), holdout: eval.ROCAUC(hs, hl), assign: a}, nil
}

// DiffTrials says where two runs' trials differ (parameters, status or
// value), "" when they are the same trial for trial.
func DiffTrials(a, b []workflows.TuneTrial) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d trials vs %d", len(a), len(b))
	}
	var diffs []string
	for i := range a {
		x, y := a[i], b[i]
		switch {
		case x.Number != y.Number || !mapsEqual(x.Params, y.Params):
			diffs = append(diffs, fmt.Sprintf("trial %d: params %v vs %v", i, x.Params, y.Params))
		case x.Status != y.Status || x.Units != y.Units:
			diffs = append(diffs, fmt.Sprintf("trial %d: %s at %d vs %s at %d", i, x.Status, x.Units, y.Status, y.Units))
		case !sameValue(x.Value, y.Value):
			diffs = append(diffs, fmt.Sprintf("trial %d: value %v vs %v", i, deref(x.Value), deref(y.Value)))
		}
	}
	if len(diffs) > 3 {
		diffs = append(diffs[:3], fmt.Sprintf("and %d more", len(diffs)-3))
	}
	return strings.Join(diffs, "; ")
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func sameValue(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func deref(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
}

// Table prints the comparison.
func (r *Result) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tuning: %d trials of gbdt, %d folds grouped by family, objective mean fold ROC-AUC, seed %d, mlctl --parallel %d\n",
		r.Trials, r.Folds, r.Seed, r.Parallel)
	fmt.Fprintf(&b, "data: %d rows (%d DGA, %d benign; %.0f%% of each family), %d %s features; held out: %s (%d test rows) against %d benign test rows\n",
		r.Rows, r.DGARows, r.BenignRows, 100*r.Fraction, r.Features, r.FeatureSet, strings.Join(r.Holdout, ", "), r.HoldoutTestRows, r.BenignTestRows)
	fmt.Fprintf(&b, "%-32s | %7s | %8s | %10s | %11s | %8s | %9s | %9s\n", "tool", "workers", "search s", "trials/min", "best mean", "test AUC", "held-out", "e2e s")
	for _, m := range r.Mlctl {
		fmt.Fprintf(&b, "%-32s | %7d | %8.1f | %10.2f | %11.4f | %8.4f | %9.4f | %9.1f\n",
			"mlctl tune, "+m.Name, m.Workers, m.SearchSeconds, m.TrialsPerMinute, m.Best, m.TestAUC, m.HoldoutAUC, m.CommandSeconds)
	}
	if o := r.Optuna; o != nil {
		fmt.Fprintf(&b, "%-32s | %7s | %8.1f | %10.2f | %11.4f | %8.4f | %9.4f | %9.1f\n",
			"optuna "+o.Versions["optuna"]+" + xgboost "+o.Versions["xgboost"], "1 proc", o.SearchSeconds,
			float64(len(o.Trials))/o.SearchSeconds*60, o.Best.Value, o.TestAUC, o.HoldoutAUC, r.OptunaCommandSeconds)
	}
	fmt.Fprintf(&b, "mlctl 1 worker / optuna search wall: %.2f (target ≤ 0.5); 2 pinned / 1 pinned trials per minute: %.2f (target ≥ 1.7)\n",
		r.WallRatio, r.ThroughputRatio)
	if r.SameTrials {
		fmt.Fprintln(&b, "the pinned runs sampled and scored the same trials, value for value")
	} else {
		fmt.Fprintf(&b, "the pinned runs differ: %s\n", r.Differ)
	}
	for _, m := range r.Mlctl {
		fmt.Fprintf(&b, "  %s: CPUs %v, GOMAXPROCS %v, worker CPU s %v, fold activity s %.1f, trees %d, %d complete / %d pruned, retrain %.1f s\n",
			m.Name, m.CPUsAllowed, m.GOMAXPROCS, roundAll(m.WorkerCPUSeconds), m.FoldSeconds, m.Trees, m.Complete, m.Pruned, m.RetrainSeconds)
	}
	return b.String()
}

func roundAll(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Round(x*10) / 10
	}
	return out
}
