package cli

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlctl/mlctl"

	ucli "github.com/urfave/cli/v2"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/driftcheck"
	"github.com/mlctl/mlctl/gate"
	"github.com/mlctl/mlctl/ingest"
	"github.com/mlctl/mlctl/training/drift"
	"github.com/mlctl/mlctl/webhook"
	"github.com/mlctl/mlctl/workflows"
)

func scheduleCreateFlags() []ucli.Flag {
	return append(append(trainFlags(),
		&ucli.StringFlag{Name: "cron", Usage: "cron expression, e.g. \"0 3 * * *\" (UTC)"},
		&ucli.DurationFlag{Name: "every", Usage: "interval, e.g. 24h"},
		&ucli.DurationFlag{Name: "catchup-window", Value: time.Hour, Usage: "how late a missed run (server down) may still start"},
		&ucli.BoolFlag{Name: "paused", Usage: "create it paused"},
		// New data.
		&ucli.StringSliceFlag{Name: "new-data", Usage: "directory or glob of new labeled files (lists, CSV/TSV, JSONL, Zeek dns.log) each run adds to the dataset; each file is read once (repeatable)"},
		&ucli.StringFlag{Name: "kind", Usage: "dga or txt: what the new files hold (default: the dataset's kind)"},
		&ucli.StringFlag{Name: "format", Value: "auto", Usage: "format of the new files: auto|list|csv|tsv|rank|jsonl|zeek"},
		&ucli.StringFlag{Name: "label", Usage: "label of rows in new files without a label column: 0 or 1"},
		&ucli.StringFlag{Name: "label-column", Usage: "label column of the new files (default label)"},
		&ucli.StringFlag{Name: "family", Usage: "family of rows in new files without one"},
		&ucli.StringFlag{Name: "family-column", Usage: "family column of the new files (default family)"},
		&ucli.StringFlag{Name: "input-column", Usage: "domain (or txt) column of the new files"},
		&ucli.IntFlag{Name: "window-rows", Usage: "keep at most this many rows in each new version: all new rows, then a seeded sample of the previous version's (0: keep all)"},
		&ucli.Float64Flag{Name: "max-bad-fraction", Value: 0.01, Usage: "fail a run when more of the new lines are bad"},
		// Champion and challenger.
		&ucli.StringFlag{Name: "alias", Value: "production", Usage: "the alias whose model is the champion"},
		&ucli.BoolFlag{Name: "promote-if-better", Usage: "promote a challenger that passes the gate (else the run stops at the verdict)"},
		&ucli.DurationFlag{Name: "shadow", Usage: "score a challenger that passes the gate beside the champion on live traffic this long before promoting"},
		&ucli.Int64Flag{Name: "min-shadow-scored", Value: 1, Usage: "live inputs its shadow must have scored"},
		&ucli.Float64Flag{Name: "max-disagreement", Usage: "largest share of live inputs the shadow may label differently from the champion (0: no limit)"},
		&ucli.Float64Flag{Name: "margin-auc", Value: gate.DefaultMarginAUC, Usage: "largest ROC-AUC drop the gate accepts"},
		&ucli.Float64Flag{Name: "margin-recall", Value: gate.DefaultMarginRecall, Usage: "largest drop of recall at the champion's FPR the gate accepts"},
		&ucli.StringFlag{Name: "webhook", Usage: "URL every decision is posted to, signed with HMAC-SHA256 of " + webhook.SecretEnv + " (set on the worker)"},
		&ucli.DurationFlag{Name: "confirm-timeout", Value: workflows.DefaultConfirmTimeout, Usage: "how long a promotion waits for every live scorer"},
		// Drift.
		&ucli.DurationFlag{Name: "drift-every", Usage: "also check the champion's live samples for drift this often, retraining when drifted"},
		&ucli.Float64Flag{Name: "drift-threshold", Value: drift.DefaultThreshold, Usage: "retrain when more than this share of features drifted"},
		&ucli.Float64Flag{Name: "drift-alpha", Value: drift.DefaultAlpha, Usage: "a feature drifted when its KS p-value is below this"},
		&ucli.DurationFlag{Name: "drift-window", Value: time.Hour, Usage: "use live samples the scorers updated this recently"},
		&ucli.IntFlag{Name: "drift-min-rows", Value: 200, Usage: "live rows a drift check needs"},
		&ucli.StringFlag{Name: "drift-baseline", Value: driftcheck.BaselineBenign, Usage: "training rows live traffic is compared with: benign (label 0) or all"},
		// Tuning.
		&ucli.BoolFlag{Name: "tune", Usage: "search the parameters on each new version first (as mlctl tune, with the --tune-* flags), and train the challenger with the best trial's"},
	), searchFlags("tune-", 20)...)
}

func scheduleCreate(c *ucli.Context) error {
	name, err := scheduleName(c, "create")
	if err != nil {
		return err
	}
	cron, every := c.String("cron"), c.Duration("every")
	if (cron == "") == (every == 0) {
		return usagef("schedule create: give exactly one of --cron EXPR or --every DURATION")
	}
	if every < 0 {
		return usagef("schedule create: --every %v: want a positive duration", every)
	}
	in, err := retrainInput(c, name)
	if err != nil {
		return err
	}
	spec := client.ScheduleSpec{}
	if cron != "" {
		spec.CronExpressions = []string{cron}
	} else {
		spec.Intervals = []client.ScheduleIntervalSpec{{Every: every}}
	}
	tc, err := dialTemporal(c, c.App.ErrWriter, slog.LevelWarn)
	if err != nil {
		return err
	}
	defer tc.Close()
	attrs := temporal.NewSearchAttributes(
		temporal.NewSearchAttributeKeyKeyword(workflows.SearchModel).ValueSet(in.Train.Model),
		temporal.NewSearchAttributeKeyKeyword(workflows.SearchAlgo).ValueSet(in.Train.Algo),
		temporal.NewSearchAttributeKeyKeyword(workflows.SearchDataset).ValueSet(in.NewData.Dataset),
		temporal.NewSearchAttributeKeyKeyword(workflows.SearchAlias).ValueSet(in.Alias))
	note := retrainNote(in, when(cron, every))
	_, err = tc.ScheduleClient().Create(c.Context, client.ScheduleOptions{
		ID:   scheduleID(name),
		Spec: spec,
		Action: &client.ScheduleWorkflowAction{
			// Temporal appends each run's time to the ID.
			ID: scheduleID(name), Workflow: workflows.Retrain, Args: []any{in},
			TaskQueue: workflows.ControlQueue, TypedSearchAttributes: attrs,
		},
		// A retrain still running when the next is due: the next is skipped.
		Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow: c.Duration("catchup-window"),
		Paused:        c.Bool("paused"),
		Note:          note,
	})
	if err != nil {
		return fmt.Errorf("schedule create %s: %w", name, err)
	}
	w := c.App.Writer
	fmt.Fprintf(w, "created schedule %s (Temporal schedule %s): %s\nweb UI: %s\n", name, scheduleID(name), note, scheduleURL(c, scheduleID(name)))
	if d := c.Duration("drift-every"); d > 0 {
		dc := workflows.DriftCheckInput{Schedule: name, RetrainSchedule: scheduleID(name), Drift: driftcheck.LiveInput{
			Alias: in.Alias, Window: c.Duration("drift-window"), Alpha: c.Float64("drift-alpha"), Threshold: c.Float64("drift-threshold"), MinRows: c.Int("drift-min-rows"),
			Baseline: c.String("drift-baseline"),
		}}
		dnote := fmt.Sprintf("check %s's live samples for drift every %v; above %.0f%% of features drifted, run %s", in.Alias, d, 100*dc.Drift.Threshold, scheduleID(name))
		_, err = tc.ScheduleClient().Create(c.Context, client.ScheduleOptions{
			ID:   driftScheduleID(name),
			Spec: client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: d}}},
			Action: &client.ScheduleWorkflowAction{
				ID: driftScheduleID(name), Workflow: workflows.DriftCheck, Args: []any{dc}, TaskQueue: workflows.ControlQueue,
				TypedSearchAttributes: temporal.NewSearchAttributes(temporal.NewSearchAttributeKeyKeyword(workflows.SearchAlias).ValueSet(in.Alias)),
			},
			Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
			CatchupWindow: c.Duration("catchup-window"),
			Paused:        c.Bool("paused"),
			Note:          dnote,
		})
		if err != nil {
			// Leave nothing half made.
			_ = tc.ScheduleClient().GetHandle(c.Context, scheduleID(name)).Delete(c.Context)
			return fmt.Errorf("schedule create %s: drift check: %w", name, err)
		}
		fmt.Fprintf(w, "created schedule %s (Temporal schedule %s): %s\nweb UI: %s\n", name, driftScheduleID(name), dnote, scheduleURL(c, driftScheduleID(name)))
	}
	return nil
}

// retrainInput builds a Retrain input from the create flags, checking them.
func retrainInput(c *ucli.Context, name string) (workflows.RetrainInput, error) {
	cmd := "schedule create"
	tr, err := trainInput(c, cmd)
	if err != nil {
		return workflows.RetrainInput{}, err
	}
	if len(tr.Datasets) != 1 {
		return workflows.RetrainInput{}, usagef("%s: give one --dataset NAME: each run adds the new files to it and trains on its new version", cmd)
	}
	ds, v, _ := mlctl.ParseRef(tr.Datasets[0])
	if v != 0 {
		return workflows.RetrainInput{}, usagef("%s: --dataset %s: name the dataset without @V; each run trains on its newest version", cmd, tr.Datasets[0])
	}
	if err := checkName(cmd, "--dataset", "dataset", ds); err != nil {
		return workflows.RetrainInput{}, err
	}
	alias := c.String("alias")
	if err := checkName(cmd, "--alias", "alias", alias); err != nil {
		return workflows.RetrainInput{}, err
	}
	// The worker reads the sources: make them absolute here.
	var sources []string
	for _, src := range c.StringSlice("new-data") {
		abs, err := filepath.Abs(src)
		if err != nil {
			return workflows.RetrainInput{}, usagef("%s: --new-data %s: %v", cmd, src, err)
		}
		sources = append(sources, abs)
	}
	nd := ingest.Feed{Dataset: ds, Kind: c.String("kind"), Sources: sources, Format: c.String("format"),
		LabelColumn: c.String("label-column"), Family: c.String("family"), FamilyColumn: c.String("family-column"), Column: c.String("input-column"),
		WindowRows: c.Int("window-rows"), MaxBadFraction: c.Float64("max-bad-fraction")}
	if s := c.String("label"); s != "" {
		l, ok := datasets.ParseLabel(s)
		if !ok {
			return workflows.RetrainInput{}, usagef("%s: --label %q: want 0 (benign) or 1 (malicious)", cmd, s)
		}
		nd.Label = &l
	}
	if nd.Kind == "" {
		if nd.Kind, err = datasetKind(c, ds); err != nil {
			return workflows.RetrainInput{}, err
		}
	}
	if nd.Kind != "dga" && nd.Kind != "txt" {
		return workflows.RetrainInput{}, usagef("%s: dataset %s is of kind %s: scheduled retrains read new dga or txt files (retrain flow and tabular models with `mlctl train`)", cmd, ds, nd.Kind)
	}
	if nd.WindowRows < 0 || nd.MaxBadFraction < 0 || nd.MaxBadFraction > 1 {
		return workflows.RetrainInput{}, usagef("%s: --window-rows must be ≥ 0 and --max-bad-fraction in [0, 1]", cmd)
	}
	if f := c.Float64("max-disagreement"); f < 0 || f > 1 {
		return workflows.RetrainInput{}, usagef("%s: --max-disagreement %v: want a share between 0 and 1", cmd, f)
	}
	if c.Duration("shadow") < 0 {
		return workflows.RetrainInput{}, usagef("%s: --shadow %v: want a positive duration", cmd, c.Duration("shadow"))
	}
	if u := c.String("webhook"); u != "" {
		if err := webhook.CheckURL(u); err != nil {
			return workflows.RetrainInput{}, usagef("%s: --%v", cmd, err)
		}
	}
	in := workflows.RetrainInput{
		Schedule: name, Alias: alias, NewData: nd, Train: tr, PromoteIfBetter: c.Bool("promote-if-better"),
		Shadow: c.Duration("shadow"), MinShadowScored: c.Int64("min-shadow-scored"), MaxDisagreement: c.Float64("max-disagreement"),
		MarginAUC: c.Float64("margin-auc"), MarginRecall: c.Float64("margin-recall"), Webhook: c.String("webhook"),
		ConfirmTimeout: c.Duration("confirm-timeout"),
	}
	if c.Bool("tune") {
		t, err := searchInput(c, cmd, "tune-", tr.Algo)
		if err != nil {
			return in, err
		}
		in.Tune = &t
	}
	return in, nil
}

// datasetKind is the kind of a dataset's versions; one that does not
// exist yet needs --kind.
func datasetKind(c *ucli.Context, name string) (string, error) {
	db, err := openDB(c)
	if err != nil {
		return "", err
	}
	defer db.Close()
	d, err := db.Dataset(c.Context, name, 0)
	if mlctl.ErrorCode(err) == mlctl.ENOTFOUND {
		return "", usagef("schedule create: dataset %s does not exist yet: give --kind dga|txt so the first run can start it from --new-data", name)
	}
	if err != nil {
		return "", err
	}
	return d.Kind, nil
}

// retrainNote is the schedule's note: what each run does, in one line.
func retrainNote(in workflows.RetrainInput, when string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "retrain %s (%s) on %s", in.Train.Model, in.Train.Algo, in.NewData.Dataset)
	if len(in.NewData.Sources) > 0 {
		fmt.Fprintf(&b, " + new files in %s", strings.Join(in.NewData.Sources, ", "))
	}
	fmt.Fprintf(&b, ", %s; gate against %s", when, in.Alias)
	if in.Shadow > 0 {
		fmt.Fprintf(&b, ", shadow %v", in.Shadow)
	}
	if in.PromoteIfBetter {
		b.WriteString(", promote if better")
	} else {
		b.WriteString(", report only")
	}
	return b.String()
}
