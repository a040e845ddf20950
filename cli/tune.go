package cli

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v2"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/learners"
	"github.com/mlctl/mlctl/tuning"
	"github.com/mlctl/mlctl/workflows"
)

func tuneCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "tune",
		Usage: "search hyperparameters in a Tune workflow (trials on every training worker), then train and publish the best",
		Flags: append(tuneFlags(),
			&ucli.BoolFlag{Name: "no-publish", Usage: "search only: do not retrain and publish the best trial"},
			&ucli.BoolFlag{Name: "wait", Usage: "wait for the result, showing progress"},
			&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		),
		Action: tune,
		Subcommands: []*ucli.Command{
			{Name: "list", Usage: "tuning runs, newest first", Action: tuneList, Flags: []ucli.Flag{
				&ucli.IntFlag{Name: "limit", Value: 20, Usage: "at most this many runs"},
				&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"},
			}},
			{Name: "show", Usage: "a tuning run's leaderboard: tune show ID", ArgsUsage: "ID", Action: tuneShow, Flags: []ucli.Flag{
				&ucli.IntFlag{Name: "top", Value: 20, Usage: "show the best this many trials (0: all)"},
				&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"},
			}},
		},
	}
}

// tuneFlags say what to tune: train's flags, --param as a space, and the
// search's flags.
func tuneFlags() []ucli.Flag {
	return append(trainFlagsNoParam(), searchFlags("", 50)...)
}

// searchFlags are the flags of a search, named with prefix (schedule
// create --tune reads them as --tune-param, --tune-trials, ...).
func searchFlags(prefix string, trials int) []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringSliceFlag{Name: prefix + "param", Usage: "k=lo..hi (integers if both bounds are), k=lo..hi:log, k=a,b,c (one of), or k=v (fixed); repeatable. Without a range, the learner's default space is searched"},
		&ucli.StringFlag{Name: prefix + "space", Usage: "a file of the search space: one k=spec a line, or a JSON object {\"eta\": \"0.01..0.3:log\"}"},
		&ucli.IntFlag{Name: prefix + "trials", Value: trials, Usage: "trials to run"},
		&ucli.IntFlag{Name: prefix + "folds", Value: 5, Usage: "folds of cross-validation over the rows outside the test part"},
		&ucli.StringFlag{Name: prefix + "group", Value: "family", Usage: "family: each family in one fold, so trials are scored on families they never saw; none: rows at random"},
		&ucli.StringFlag{Name: prefix + "objective", Value: "roc_auc", Usage: "roc_auc, recall_at_fpr=F (e.g. 0.01), fdr (heiDGAF's, at score 0.5) or logloss"},
		&ucli.IntFlag{Name: prefix + "parallel", Value: 2, Usage: "trials in flight at once (each runs its folds at once on the training queue); the same seed and parallel give the same trials"},
		&ucli.DurationFlag{Name: prefix + "budget", Usage: "stop starting trials after this long (e.g. 30m); the trials in flight finish"},
		&ucli.IntFlag{Name: prefix + "startup", Value: 10, Usage: "random trials before the TPE sampler takes over"},
		&ucli.BoolFlag{Name: prefix + "no-halving", Usage: "train every trial's full rounds, trees or epochs (no successive halving)"},
	}
}

// trainFlagsNoParam are train's flags less --param, which tune reads as a
// space; --dataset is checked by tune itself, so that `tune list` and
// `tune show` run without it.
func trainFlagsNoParam() []ucli.Flag {
	var out []ucli.Flag
	for _, f := range trainFlags() {
		switch f.Names()[0] {
		case "param":
			continue
		case "dataset":
			d := *f.(*ucli.StringSliceFlag)
			d.Required = false
			f = &d
		}
		out = append(out, f)
	}
	return out
}

// tuneInput builds a Tune input from tuneFlags, checking them.
func tuneInput(c *ucli.Context, cmd string) (workflows.TuneInput, error) {
	algo := c.String("algo")
	refs := c.StringSlice("dataset")
	if len(refs) == 0 {
		return workflows.TuneInput{}, usagef("%s: --dataset NAME[@V] is required", cmd)
	}
	for _, r := range refs {
		if _, _, err := mlctl.ParseRef(r); err != nil {
			return workflows.TuneInput{}, usagef("%s: --dataset %v", cmd, err)
		}
	}
	in, err := searchInput(c, cmd, "", algo)
	if err != nil {
		return in, err
	}
	in.Datasets, in.Seed, in.HoldoutFamilies, in.NoPublish = refs, c.Uint64("seed"), c.StringSlice("holdout-family"), c.Bool("no-publish")
	first, _, _ := mlctl.ParseRef(refs[0])
	in.Model = cmp.Or(c.String("model"), first+"-"+algo)
	if err := checkName(cmd, "--model", "model", in.Model); err != nil {
		return in, err
	}
	return in, nil
}

// searchInput reads searchFlags (named with prefix) for a search of algo.
func searchInput(c *ucli.Context, cmd, prefix, algo string) (workflows.TuneInput, error) {
	l, err := learners.Lookup(mlctl.Algo(algo))
	if err != nil {
		return workflows.TuneInput{}, usagef("%s: --algo %s is not available (have: %s)", cmd, algo, learners.Names())
	}
	space, err := tuneSpace(c, l, prefix)
	if err != nil {
		return workflows.TuneInput{}, usagef("%s: %v", cmd, err)
	}
	obj, err := tuning.ParseObjective(c.String(prefix + "objective"))
	if err != nil {
		return workflows.TuneInput{}, usagef("%s: %v", cmd, err)
	}
	group, err := tuning.ParseGrouping(c.String(prefix + "group"))
	if err != nil {
		return workflows.TuneInput{}, usagef("%s: %v", cmd, err)
	}
	in := workflows.TuneInput{
		Algo: algo, Space: space, Objective: obj, Folds: c.Int(prefix + "folds"), Group: string(group),
		Trials: c.Int(prefix + "trials"), Parallel: c.Int(prefix + "parallel"), Budget: c.Duration(prefix + "budget"),
		Startup: c.Int(prefix + "startup"), NoHalving: c.Bool(prefix + "no-halving"),
	}
	f := "--" + prefix
	switch {
	case in.Trials < 1 || in.Trials > workflows.MaxTrials:
		return in, usagef("%s: %strials %d: want 1..%d", cmd, f, in.Trials, workflows.MaxTrials)
	case in.Folds < 2 || in.Folds > 20:
		return in, usagef("%s: %sfolds %d: want 2..20", cmd, f, in.Folds)
	case in.Parallel < 1 || in.Parallel > 64:
		return in, usagef("%s: %sparallel %d: want 1..64", cmd, f, in.Parallel)
	case in.Startup < 0:
		return in, usagef("%s: %sstartup %d: want 0 or more", cmd, f, in.Startup)
	case in.Budget < 0:
		return in, usagef("%s: %sbudget %s: want a positive duration", cmd, f, in.Budget)
	}
	return in, nil
}

// tuneSpace is the search space: --space's file and --param's ranges,
// over the learner's default space when neither searches anything.
func tuneSpace(c *ucli.Context, l training.Learner, prefix string) (tuning.Space, error) {
	space, err := tuning.ParseSpace(c.StringSlice(prefix + "param"))
	if err != nil {
		return tuning.Space{}, fmt.Errorf("--%sparam %w", prefix, err)
	}
	if f := c.String(prefix + "space"); f != "" {
		fh, err := openInput(c, f)
		if err != nil {
			return tuning.Space{}, fmt.Errorf("--%sspace: %w", prefix, err)
		}
		defer fh.Close()
		file, err := tuning.ReadSpace(fh, fh.Name)
		if err != nil {
			return tuning.Space{}, fmt.Errorf("--%sspace %w", prefix, err)
		}
		if space, err = space.Merge(file); err != nil {
			return tuning.Space{}, fmt.Errorf("--%sspace %s and --%sparam: %w", prefix, fh.Name, prefix, err)
		}
	}
	if !space.Searched() {
		s, ok := l.(training.Searchable)
		if !ok {
			return tuning.Space{}, fmt.Errorf("--algo %s has no default search space: give ranges with --param k=lo..hi", l.Algo())
		}
		def, err := tuning.ParseSpace(s.SearchSpace())
		if err != nil {
			return tuning.Space{}, err
		}
		for _, p := range space.Params { // fixed values given win over the default ranges
			def = def.Without(p.Name)
		}
		if space, err = space.Merge(def); err != nil {
			return tuning.Space{}, err
		}
	}
	for _, p := range space.Params {
		if p.Name == "seed" || p.Name == "random_state" {
			return tuning.Space{}, fmt.Errorf("--%sparam %s: the seed is --seed, not searched", prefix, p.Name)
		}
	}
	return space, nil
}

func tune(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("tune: unknown argument %q (did you mean `tune list` or `tune show ID`?)", c.Args().First())
	}
	in, err := tuneInput(c, "tune")
	if err != nil {
		return err
	}
	tc, err := dialTemporal(c, c.App.ErrWriter, slog.LevelWarn)
	if err != nil {
		return err
	}
	defer tc.Close()
	id := fmt.Sprintf("tune-%s-%s", in.Model, time.Now().UTC().Format("20060102T150405.000Z"))
	run, err := tc.ExecuteWorkflow(c.Context, client.StartWorkflowOptions{
		ID: id, TaskQueue: workflows.ControlQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword(workflows.SearchModel).ValueSet(in.Model),
			temporal.NewSearchAttributeKeyKeyword(workflows.SearchAlgo).ValueSet(in.Algo),
			temporal.NewSearchAttributeKeyKeyword(workflows.SearchDataset).ValueSet(strings.Join(in.Datasets, ","))),
	}, workflows.Tune, in)
	if err != nil {
		return fmt.Errorf("start Tune: %w (is the worker running and are the search attributes registered? `make up` registers them)", err)
	}
	ui := uiURL(c, id)
	if !c.Bool("wait") {
		if c.Bool("json") {
			return printJSON(c.App.Writer, map[string]string{"run_id": id, "workflow_id": id, "ui": ui})
		}
		fmt.Fprintf(c.App.Writer, "started Tune %s\nweb UI: %s\nfollow it: mlctl tune show %s\n", id, ui, id)
		return nil
	}
	out, err := newLiveProgress(c)
	if err != nil {
		return err
	}
	out.started("Tune", id, ui, fmt.Sprintf(": %d trials of %s, %d folds grouped by %s, objective %s", in.Trials, in.Algo, in.Folds, in.Group, in.Objective),
		"trials", in.Trials, "algo", in.Algo, "folds", in.Folds, "group", in.Group, "objective", in.Objective)
	res, err := waitRun[workflows.TuneResult](c.Context, tc, temporalTarget(c).Address, run, out, tuneProgressLine)
	if err != nil {
		return fmt.Errorf("Tune %s failed: %w", id, rootCause(err))
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, res)
	}
	w := c.App.Writer
	trials := make([]*mlctl.Trial, len(res.Trials))
	for i := range res.Trials {
		trials[i] = &res.Trials[i].Trial
	}
	fmt.Fprintf(w, "%d trials in %s", len(res.Trials), fmtDuration(res.Seconds))
	if res.BudgetSpent {
		fmt.Fprint(w, " (the budget stopped new trials)")
	}
	fmt.Fprintln(w)
	leaderboard(w, in.Space, in.Objective, trials, 10)
	if res.Model != nil {
		m := res.Model
		fmt.Fprintf(w, "\nbest: trial %d, %s %.4f over %d folds\npublished %s@%d  sha256 %s  (test split: ROC-AUC %.4f, recall %.4f at FPR %.4f)\n",
			res.Best.Number, res.Objective, *res.Best.Value, len(res.Best.FoldValues), m.Model, m.Version, m.SHA256,
			m.Metrics.AUCROC, m.Metrics.Recall, m.Metrics.FPR)
	}
	fmt.Fprintf(w, "web UI: %s\n", ui)
	return nil
}

func tuneProgressLine(p workflows.TuneProgress) string {
	el := fmtDuration(p.Elapsed)
	switch p.Stage {
	case "search":
		s := fmt.Sprintf("search: %d/%d trials (%d running, %d pruned, %d failed)", p.Done, p.Trials, p.Running, p.Pruned, p.Failed)
		if p.Best != nil && p.Best.Value != nil {
			s += fmt.Sprintf("  best #%d %s %.4f", p.Best.Number, p.Objective, *p.Best.Value)
		}
		if p.BudgetSpent {
			s += "  budget spent"
		}
		return s + "  elapsed " + el
	case "train":
		return fmt.Sprintf("retraining the best trial on the whole training part  elapsed %s", el)
	}
	return fmt.Sprintf("%s  elapsed %s", p.Stage, el)
}

func tuneList(c *ucli.Context) error {
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	runs, err := db.TuningRuns(c.Context, c.Int("limit"))
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, map[string]any{"runs": runs})
	}
	rows := make([][]string, 0, len(runs))
	for _, r := range runs {
		var spec workflows.TuneInput
		_ = json.Unmarshal(r.Spec, &spec)
		best, model := "-", "-"
		if r.BestTrial >= 0 {
			best = strconv.Itoa(r.BestTrial)
		}
		if r.Model != "" {
			model = fmt.Sprintf("%s@%d", r.Model, r.ModelVersion)
		}
		rows = append(rows, []string{r.ID, r.Status, r.Algo, strings.Join(r.Datasets, ","), spec.Objective.String(),
			strconv.Itoa(spec.Trials), best, model, r.CreatedAt.Local().Format("2006-01-02 15:04")})
	}
	table(c.App.Writer, []string{"ID", "STATUS", "ALGO", "DATASETS", "OBJECTIVE", "TRIALS", "BEST", "MODEL", "CREATED"}, rows)
	return nil
}

func tuneShow(c *ucli.Context) error {
	if c.NArg() != 1 {
		return usagef("tune show: want one tuning run ID (mlctl tune list shows them)")
	}
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	run, trials, err := db.TuningRun(c.Context, c.Args().First())
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, map[string]any{"run": run, "trials": trials})
	}
	var spec workflows.TuneInput
	if err := json.Unmarshal(run.Spec, &spec); err != nil {
		return mlctl.Errorf(mlctl.ECORRUPT, "tuning run %s: its spec does not read: %v", run.ID, err)
	}
	w := c.App.Writer
	fmt.Fprintf(w, "%s  %s  %s on %s\n", run.ID, run.Status, run.Algo, strings.Join(run.Datasets, ","))
	fmt.Fprintf(w, "objective %s, %d folds grouped by %s, %d trials, %d in flight, seed %d\n",
		spec.Objective, spec.Folds, spec.Group, spec.Trials, spec.Parallel, spec.Seed)
	fmt.Fprintf(w, "space: %s\n", strings.Join(spec.Space.Specs(), " "))
	if run.Model != "" {
		fmt.Fprintf(w, "published: %s@%d (trial %d)\n", run.Model, run.ModelVersion, run.BestTrial)
	}
	if run.Error != "" {
		fmt.Fprintf(w, "error: %s\n", run.Error)
	}
	fmt.Fprintln(w)
	leaderboard(w, spec.Space, spec.Objective, trials, c.Int("top"))
	return nil
}

// leaderboard prints trials best first: complete ones by value, then
// pruned ones by rung and value, then running and failed ones; top limits
// the rows (0: all).
func leaderboard(w io.Writer, space tuning.Space, obj tuning.Objective, trials []*mlctl.Trial, top int) {
	ts := slices.Clone(trials)
	rank := map[string]int{mlctl.TrialComplete: 0, mlctl.TrialPruned: 1, mlctl.TrialRunning: 2, mlctl.TrialFailed: 3}
	slices.SortStableFunc(ts, func(a, b *mlctl.Trial) int {
		if c := cmp.Compare(rank[a.Status], rank[b.Status]); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Rung, a.Rung); c != 0 {
			return c
		}
		av, bv := valueOr(a, obj), valueOr(b, obj)
		switch {
		case obj.Better(av, bv):
			return -1
		case obj.Better(bv, av):
			return 1
		}
		return cmp.Compare(a.Number, b.Number)
	})
	if top > 0 && len(ts) > top {
		ts = ts[:top]
	}
	var searched []string
	for _, p := range space.Params {
		if !p.Fixed() {
			searched = append(searched, p.Name)
		}
	}
	header := []string{"TRIAL", "STATUS", "UNITS", strings.ToUpper(obj.String()), "± FOLDS", "SECONDS", "WORKERS"}
	header = append(header, searched...)
	rows := make([][]string, 0, len(ts))
	for _, t := range ts {
		v, sd := "-", "-"
		if t.Value != nil {
			v = fmt.Sprintf("%.4f", *t.Value)
			sd = fmt.Sprintf("%.4f", stddev(t.FoldValues))
		}
		status := t.Status
		if t.Error != "" {
			status += ": " + t.Error
			if len(status) > 60 {
				status = status[:57] + "..."
			}
		}
		row := []string{strconv.Itoa(t.Number), status, strconv.Itoa(t.Units), v, sd, fmt.Sprintf("%.1f", t.Seconds), strconv.Itoa(len(t.Workers))}
		for _, k := range searched {
			row = append(row, t.Params[k])
		}
		rows = append(rows, row)
	}
	table(w, header, rows)
}

func valueOr(t *mlctl.Trial, obj tuning.Objective) float64 {
	if t.Value != nil {
		return *t.Value
	}
	if obj.Minimise() {
		return math.Inf(1)
	}
	return math.Inf(-1)
}

func stddev(v []float64) float64 {
	if len(v) < 2 {
		return 0
	}
	m := tuning.Mean(v)
	var s float64
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(v)-1))
}
