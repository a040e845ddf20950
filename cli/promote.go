package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os/user"
	"strings"
	"time"

	"github.com/mlctl/mlctl"

	ucli "github.com/urfave/cli/v2"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/mlctl/mlctl/gate"
	"github.com/mlctl/mlctl/workflows"
)

func promoteCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "promote",
		Usage:     "roll a model out to an alias's scorers in a Rollout workflow (verify, gate, move, notify, confirm)",
		ArgsUsage: "MODEL@V",
		Flags: append(moveFlags(),
			&ucli.BoolFlag{Name: "force", Usage: "skip the gate against the alias's current model (needs --reason)"},
			&ucli.StringSliceFlag{Name: "eval-dataset", Usage: "NAME[@V] the gate compares both models on (default: the new model's test split)"},
			&ucli.Float64Flag{Name: "margin-auc", Value: gate.DefaultMarginAUC, Usage: "largest ROC-AUC drop the gate accepts"},
			&ucli.Float64Flag{Name: "margin-recall", Value: gate.DefaultMarginRecall, Usage: "largest drop of recall at the current model's FPR the gate accepts"},
			&ucli.DurationFlag{Name: "min-shadow", Usage: "the gate requires the model to have been shadowed beside the alias's current one for this long (see `schedule create --shadow`)"},
			&ucli.Int64Flag{Name: "min-shadow-scored", Usage: "the gate requires its shadow to have scored at least this many live inputs"},
			&ucli.Float64Flag{Name: "max-disagreement", Usage: "the gate requires its shadow to have labeled at most this share of live inputs differently from the current model (0: no limit)"},
		),
		Action: promote,
	}
}

func rollbackCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "rollback",
		Usage: "point an alias back at the model it served before (or --to MODEL@V) in a Rollback workflow",
		Flags: append(moveFlags(),
			&ucli.StringFlag{Name: "to", Usage: "MODEL@V to roll back to (default: the model before the current one was promoted)"},
		),
		Action: rollback,
	}
}

// moveFlags are the flags promote and rollback share.
func moveFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringFlag{Name: "alias", Value: "production", Usage: "alias to move"},
		&ucli.StringFlag{Name: "reason", Usage: "why, recorded in the alias history"},
		&ucli.StringFlag{Name: "by", Usage: "who, recorded in the alias history (default: the OS user)"},
		&ucli.DurationFlag{Name: "confirm-timeout", Value: workflows.DefaultConfirmTimeout, Usage: "how long to wait for every live scorer to load the model"},
		&ucli.BoolFlag{Name: "wait", Usage: "wait until every live scorer has confirmed (or the workflow failed)"},
		&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"},
	}
}

func promote(c *ucli.Context) error {
	if c.NArg() != 1 {
		return usagef("promote: want one MODEL@V, got %d arguments", c.NArg())
	}
	ref := c.Args().First()
	if _, v, err := mlctl.ParseRef(ref); err != nil {
		return usagef("promote: %v", err)
	} else if v == 0 {
		return usagef("promote: %q: name the version (MODEL@V) so the history says exactly what was promoted", ref)
	}
	alias := c.String("alias")
	if err := checkName("promote", "--alias", "alias", alias); err != nil {
		return err
	}
	if c.Bool("force") && c.String("reason") == "" {
		return usagef("promote: --force needs --reason: the alias history records why the gate was skipped")
	}
	for _, d := range c.StringSlice("eval-dataset") {
		if _, _, err := mlctl.ParseRef(d); err != nil {
			return usagef("promote: --eval-dataset %v", err)
		}
	}
	in := workflows.RolloutInput{
		Alias: alias, Model: ref, Force: c.Bool("force"), Reason: c.String("reason"), By: actor(c),
		EvalDatasets: c.StringSlice("eval-dataset"), MarginAUC: c.Float64("margin-auc"), MarginRecall: c.Float64("margin-recall"),
		ConfirmTimeout: c.Duration("confirm-timeout"),
		MinShadow:      c.Duration("min-shadow"), MinShadowScored: c.Int64("min-shadow-scored"), MaxDisagreement: c.Float64("max-disagreement"),
	}
	if in.MaxDisagreement < 0 || in.MaxDisagreement > 1 {
		return usagef("promote: --max-disagreement %v: want a share between 0 and 1", in.MaxDisagreement)
	}
	name, _, _ := mlctl.ParseRef(ref)
	return runMove(c, "Rollout", "promote-"+alias, alias, name, workflows.Rollout, in)
}

func rollback(c *ucli.Context) error {
	if c.NArg() != 0 {
		return usagef("rollback: unexpected argument %q (use --to MODEL@V)", c.Args().First())
	}
	alias := c.String("alias")
	if err := checkName("rollback", "--alias", "alias", alias); err != nil {
		return err
	}
	model := ""
	if to := c.String("to"); to != "" {
		name, _, err := mlctl.ParseRef(to)
		if err != nil {
			return usagef("rollback: --to %v", err)
		}
		model = name
	}
	in := workflows.RollbackInput{Alias: alias, To: c.String("to"), Reason: c.String("reason"), By: actor(c),
		ConfirmTimeout: c.Duration("confirm-timeout")}
	return runMove(c, "Rollback", "rollback-"+alias, alias, model, workflows.Rollback, in)
}

// runMove starts a Rollout or Rollback workflow and, with --wait, follows
// its status query until it ends.
func runMove(c *ucli.Context, kind, idPrefix, alias, model string, wf any, in any) error {
	tc, err := dialTemporal(c, c.App.ErrWriter, slog.LevelWarn)
	if err != nil {
		return err
	}
	defer tc.Close()
	id := idPrefix + "-" + time.Now().UTC().Format("20060102T150405.000Z")
	attrs := []temporal.SearchAttributeUpdate{temporal.NewSearchAttributeKeyKeyword(workflows.SearchAlias).ValueSet(alias)}
	if model != "" {
		attrs = append(attrs, temporal.NewSearchAttributeKeyKeyword(workflows.SearchModel).ValueSet(model))
	}
	run, err := tc.ExecuteWorkflow(c.Context, client.StartWorkflowOptions{
		ID: id, TaskQueue: workflows.ControlQueue, TypedSearchAttributes: temporal.NewSearchAttributes(attrs...),
	}, wf, in)
	if err != nil {
		return fmt.Errorf("start %s: %w (is the worker running and are the search attributes registered? `make up` registers them)", kind, err)
	}
	ui := uiURL(c, id)
	if !c.Bool("wait") {
		if c.Bool("json") {
			return printJSON(c.App.Writer, map[string]string{"workflow_id": id, "run_id": run.GetRunID(), "ui": ui})
		}
		fmt.Fprintf(c.App.Writer, "started %s %s\nweb UI: %s\n", kind, id, ui)
		return nil
	}
	out, err := newLiveProgress(c)
	if err != nil {
		return err
	}
	out.started(kind, id, ui, "", "alias", alias)
	res, err := waitMove(c.Context, tc, run, out)
	if err != nil {
		return fmt.Errorf("%s %s failed: %w", kind, id, rootCause(err))
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, res)
	}
	w := c.App.Writer
	if res.Unchanged {
		fmt.Fprintf(w, "%s already points at %s; nothing to do\n", res.Alias, res.To)
		return nil
	}
	if res.Gate != nil {
		fmt.Fprintf(w, "gate: %s\n", res.Gate.Reason)
	}
	from := res.From
	if from == "" {
		from = "(unset)"
	}
	fmt.Fprintf(w, "%s: %s -> %s  sha256 %s\n", res.Alias, from, res.To, res.SHA256)
	if len(res.Confirmed.Scorers) == 0 {
		fmt.Fprintln(w, "no live scorer serves this alias yet; `mlctl serve --alias "+res.Alias+"` starts one")
	} else {
		fmt.Fprintf(w, "%d scorers confirmed, the last %.3f s after the alias moved\n", len(res.Confirmed.Scorers), res.Confirmed.Seconds)
	}
	return nil
}

// waitMove polls the status query, showing each step on out, until the
// workflow ends.
func waitMove(ctx context.Context, tc client.Client, run client.WorkflowRun, out *liveProgress) (*workflows.RolloutResult, error) {
	done := make(chan error, 1)
	var res workflows.RolloutResult
	go func() { done <- run.Get(ctx, &res) }()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	last := ""
	for {
		select {
		case err := <-done:
			if err != nil {
				return nil, err
			}
			return &res, nil
		case <-tick.C:
			qctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			v, err := tc.QueryWorkflow(qctx, run.GetID(), run.GetRunID(), workflows.StatusQuery)
			cancel()
			if err != nil {
				continue
			}
			var st workflows.RolloutStatus
			if v.Get(&st) != nil || st.Step == last {
				continue
			}
			last = st.Step
			out.step(st.Step)
		}
	}
}

// actor is --by, else the OS user.
func actor(c *ucli.Context) string {
	if by := strings.TrimSpace(c.String("by")); by != "" {
		return by
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}
