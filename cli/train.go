package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mlctl/mlctl"

	ucli "github.com/urfave/cli/v2"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/eval"
	"github.com/mlctl/mlctl/training/learners"
	"github.com/mlctl/mlctl/workflows"
)

func trainCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "train",
		Usage: "train, evaluate and publish a model in a TrainModel workflow",
		Flags: append(trainFlags(),
			&ucli.BoolFlag{Name: "wait", Usage: "wait for the result, showing progress"},
			&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		),
		Action: train,
	}
}

// trainFlags are the flags that say what to train, shared by train and
// schedule create.
func trainFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringSliceFlag{Name: "dataset", Required: true, Usage: "NAME[@V] (repeatable; NAME alone is the newest version when the run starts)"},
		&ucli.StringFlag{Name: "algo", Value: "gbdt", Usage: learners.Usage()},
		&ucli.StringSliceFlag{Name: "param", Usage: "k=v training parameter in XGBoost's names, e.g. max_depth=4 (repeatable); feature_set=heidgaf44 picks the feature set; the threshold is set at a false positive rate of at most threshold_fpr (default 0.001) on validation, or at the best F1 there with threshold_rule=f1"},
		&ucli.StringSliceFlag{Name: "holdout-family", Usage: "keep this family out of train and validation, all of it in test (repeatable)"},
		&ucli.StringFlag{Name: "model", Usage: "model name (default <first dataset>-<algo>)"},
		&ucli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed of the split and the trainer"},
	}
}

// trainInput builds a TrainModel input from trainFlags, checking them.
func trainInput(c *ucli.Context, cmd string) (workflows.TrainModelInput, error) {
	algo := c.String("algo")
	l, err := learners.Lookup(mlctl.Algo(algo))
	if err != nil {
		return workflows.TrainModelInput{}, usagef("%s: --algo %s is not available (have: %s)", cmd, algo, learners.Names())
	}
	refs := c.StringSlice("dataset")
	for _, r := range refs {
		if _, _, err := mlctl.ParseRef(r); err != nil {
			return workflows.TrainModelInput{}, usagef("%s: --dataset %v", cmd, err)
		}
	}
	params := map[string]string{}
	for _, kv := range c.StringSlice("param") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return workflows.TrainModelInput{}, usagef("%s: --param %q: want key=value", cmd, kv)
		}
		params[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	if _, err := training.ParseSpec(l, params); err != nil {
		return workflows.TrainModelInput{}, usagef("%s: %v", cmd, err)
	}
	first, _, _ := mlctl.ParseRef(refs[0])
	model := c.String("model")
	if model == "" {
		model = first + "-" + algo
		if err := checkName(cmd, "the default --model ("+first+"-"+algo+")", "model", model); err != nil {
			return workflows.TrainModelInput{}, err
		}
	}
	if err := checkName(cmd, "--model", "model", model); err != nil {
		return workflows.TrainModelInput{}, err
	}
	return workflows.TrainModelInput{
		Model: model, Datasets: refs, Algo: algo, FeatureSet: params["feature_set"], Params: params,
		HoldoutFamilies: c.StringSlice("holdout-family"), Seed: c.Uint64("seed"),
	}, nil
}

// trainSearchAttributes label a TrainModel run for the web UI's search.
func trainSearchAttributes(in workflows.TrainModelInput) temporal.SearchAttributes {
	return temporal.NewSearchAttributes(
		temporal.NewSearchAttributeKeyKeyword(workflows.SearchModel).ValueSet(in.Model),
		temporal.NewSearchAttributeKeyKeyword(workflows.SearchAlgo).ValueSet(in.Algo),
		temporal.NewSearchAttributeKeyKeyword(workflows.SearchDataset).ValueSet(strings.Join(in.Datasets, ",")),
	)
}

func train(c *ucli.Context) error {
	in, err := trainInput(c, "train")
	if err != nil {
		return err
	}
	model := in.Model
	tc, err := dialTemporal(c, c.App.ErrWriter, slog.LevelWarn)
	if err != nil {
		return err
	}
	defer tc.Close()
	id := fmt.Sprintf("train-%s-%s", model, time.Now().UTC().Format("20060102T150405.000Z"))
	run, err := tc.ExecuteWorkflow(c.Context, client.StartWorkflowOptions{
		ID: id, TaskQueue: workflows.ControlQueue, TypedSearchAttributes: trainSearchAttributes(in),
	}, workflows.TrainModel, in)
	if err != nil {
		return fmt.Errorf("start TrainModel: %w (is the worker running and are the search attributes registered? `make up` registers them)", err)
	}
	ui := uiURL(c, id)
	if !c.Bool("wait") {
		if c.Bool("json") {
			return printJSON(c.App.Writer, map[string]string{"workflow_id": id, "run_id": run.GetRunID(), "ui": ui})
		}
		fmt.Fprintf(c.App.Writer, "started TrainModel %s\nweb UI: %s\n", id, ui)
		return nil
	}
	out, err := newLiveProgress(c)
	if err != nil {
		return err
	}
	out.started("TrainModel", id, ui, "")
	res, err := waitTrain(c.Context, tc, temporalTarget(c).Address, run, out)
	if err != nil {
		return fmt.Errorf("TrainModel %s failed: %w", id, rootCause(err))
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, res)
	}
	w := c.App.Writer
	fmt.Fprintf(w, "published %s@%d  sha256 %s\n", res.Model, res.Version, res.SHA256)
	unit := "trees"
	if l, err := learners.Lookup(mlctl.Algo(res.Algo)); err == nil {
		unit = l.Needs().Unit
	}
	fmt.Fprintf(w, "datasets %s, split train/validation/test %d/%d/%d, %d %s", res.Dataset, res.Split.Train, res.Split.Validation, res.Split.Test, res.Trees, unit)
	if res.ResumedFrom > 0 {
		fmt.Fprintf(w, " (resumed from tree %d)", res.ResumedFrom)
	}
	rule := res.ThresholdRule
	if rule == "" {
		rule = "best F1 on the validation split"
	}
	fmt.Fprintf(w, "\nvalidation ROC-AUC %.4f\nthreshold %.4f: %s\n", res.Validation.AUCROC, res.Threshold, rule)
	if res.FeatureFit != "" {
		fmt.Fprintf(w, "features fitted %s: %s\n", res.FeatureFit, benignOnlyNote)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "test split:")
	fmt.Fprint(w, eval.Format(mlctl.Report{Threshold: res.Threshold, Confusion: res.Confusion, Metrics: res.Metrics, FamilyRecall: res.FamilyRecall, Rows: res.TestRows}))
	fmt.Fprintf(w, "web UI: %s\n", ui)
	return nil
}

// waitTrain waits for a TrainModel run, showing its progress on out.
func waitTrain(ctx context.Context, tc client.Client, addr string, run client.WorkflowRun, out *liveProgress) (*workflows.TrainModelResult, error) {
	return waitRun[workflows.TrainModelResult](ctx, tc, addr, run, out, progressLine)
}

// waitRun polls a run's progress query once a second, showing line(P) on
// out, until the workflow ends with its result R.
func waitRun[R, P any](ctx context.Context, tc client.Client, addr string, run client.WorkflowRun, out *liveProgress, line func(P) string) (*R, error) {
	done := make(chan error, 1)
	var res R
	go func() { done <- run.Get(ctx, &res) }()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	started := time.Now()
	for {
		select {
		case err := <-done:
			out.done()
			if err != nil {
				return nil, err
			}
			return &res, nil
		case <-tick.C:
			qctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			v, err := tc.QueryWorkflow(qctx, run.GetID(), run.GetRunID(), workflows.ProgressQuery)
			cancel()
			if err != nil {
				if time.Since(started) > 5*time.Second {
					out.waiting(waitingLine(ctx, tc, addr, err), time.Since(started))
				}
				continue
			}
			var p P
			if v.Get(&p) != nil {
				continue
			}
			out.update(line(p), p)
		}
	}
}

// waitingLine says why a progress query failed (queryErr): Temporal at
// addr itself is unreachable (the error says so, or its health check
// fails), else no worker has picked the run up yet.
func waitingLine(ctx context.Context, tc client.Client, addr string, queryErr error) string {
	var unavailable *serviceerror.Unavailable
	if errors.As(queryErr, &unavailable) {
		return fmt.Sprintf("Temporal at %s is unreachable (is it running?); still waiting", addr)
	}
	hctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := tc.CheckHealth(hctx, &client.CheckHealthRequest{}); err != nil {
		return fmt.Sprintf("Temporal at %s is unreachable (is it running?); still waiting", addr)
	}
	return "waiting for a worker (start one with `mlctl worker`)"
}

func progressLine(p workflows.Progress) string {
	el := fmtDuration(p.Elapsed)
	t := p.Train
	switch {
	case p.Stage != "train":
		return fmt.Sprintf("%s  elapsed %s", p.Stage, el)
	case t.Total == 0 || t.Stage == "features":
		return fmt.Sprintf("train: computing features  elapsed %s", el)
	case t.Stage == "epochs":
		s := fmt.Sprintf("train: epoch %d/%d  batch %d/%d  loss %.4f", t.Done, t.Total, t.Batch, t.Batches, t.Loss)
		if t.ValidAUC > 0 {
			s += fmt.Sprintf("  validation AUC %.4f", t.ValidAUC)
		}
		s += "  elapsed " + el
		if t.ResumedFrom > 0 {
			s += fmt.Sprintf("  (resumed after epoch %d)", t.ResumedFrom)
		}
		return s
	}
	s := fmt.Sprintf("train: %d/%d trees  elapsed %s  ETA %s", t.Done, t.Total, el, fmtDuration(t.ETA))
	if t.ResumedFrom > 0 {
		s += fmt.Sprintf("  (resumed at %d)", t.ResumedFrom)
	}
	return s
}

func fmtDuration(sec float64) string {
	d := time.Duration(sec * float64(time.Second)).Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// rootCause unwraps Temporal's workflow and activity error chain to the message that matters.
func rootCause(err error) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		switch app.Type() {
		case mlctl.ENOTFOUND, mlctl.ECORRUPT, mlctl.EINVALID, mlctl.ECONFLICT:
			return mlctl.Errorf(app.Type(), "%s", app.Message())
		}
		return errors.New(app.Message())
	}
	return err
}
