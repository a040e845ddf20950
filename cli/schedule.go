package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v2"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/workflows"
)

// scheduleCommand manages Temporal Schedules that retrain a model: each
// run is a TrainModel workflow (its datasets resolved to their newest
// versions when the run starts), never two of one schedule at once.
func scheduleCommand() *ucli.Command {
	nameOnly := func(action ucli.ActionFunc, usage string) *ucli.Command {
		return &ucli.Command{Usage: usage, ArgsUsage: "NAME", Action: action}
	}
	pause := nameOnly(schedulePause, "pause a schedule (its runs stop until unpause)")
	pause.Name = "pause"
	unpause := nameOnly(scheduleUnpause, "unpause a schedule")
	unpause.Name = "unpause"
	trigger := nameOnly(scheduleTrigger, "start a run now")
	trigger.Name = "trigger"
	del := nameOnly(scheduleDelete, "delete a schedule (runs in progress finish)")
	del.Name = "delete"
	describe := nameOnly(scheduleDescribe, "show a schedule: what it trains, when, its recent and next runs")
	describe.Name = "describe"
	describe.Flags = []ucli.Flag{&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"}}
	return &ucli.Command{
		Name:  "schedule",
		Usage: "retrain models on a schedule (Temporal Schedules, visible in the web UI)",
		Subcommands: []*ucli.Command{
			{
				Name: "create", Usage: "create a schedule that runs TrainModel", ArgsUsage: "NAME",
				Flags: append(trainFlags(),
					&ucli.StringFlag{Name: "cron", Usage: "cron expression, e.g. \"0 3 * * *\" (UTC)"},
					&ucli.DurationFlag{Name: "every", Usage: "interval, e.g. 24h"},
					&ucli.DurationFlag{Name: "catchup-window", Value: time.Hour, Usage: "how late a missed run (server down) may still start"},
					&ucli.BoolFlag{Name: "paused", Usage: "create it paused"},
				),
				Action: scheduleCreate,
			},
			{Name: "list", Usage: "list schedules", Flags: []ucli.Flag{&ucli.BoolFlag{Name: "json", Usage: "print JSON lines"}}, Action: scheduleList},
			describe, pause, unpause, trigger, del,
		},
	}
}

// scheduleID is the Temporal Schedule ID of a schedule NAME.
func scheduleID(name string) string { return "retrain-" + name }

func scheduleName(c *ucli.Context, cmd string) (string, error) {
	if c.NArg() != 1 {
		return "", usagef("schedule %s: want one NAME", cmd)
	}
	name := c.Args().First()
	if strings.ContainsAny(name, " \t/@") {
		return "", usagef("schedule %s: name %q may not contain spaces, '/' or '@'", cmd, name)
	}
	return name, nil
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
	in, err := trainInput(c, "schedule create")
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
	_, err = tc.ScheduleClient().Create(c.Context, client.ScheduleOptions{
		ID:   scheduleID(name),
		Spec: spec,
		Action: &client.ScheduleWorkflowAction{
			// Temporal appends each run's time to the ID.
			ID: "train-" + in.Model + "-scheduled", Workflow: workflows.TrainModel, Args: []any{in},
			TaskQueue: workflows.ControlQueue, TypedSearchAttributes: trainSearchAttributes(in),
		},
		// A retrain still running when the next is due: the next is skipped.
		Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow: c.Duration("catchup-window"),
		Paused:        c.Bool("paused"),
		Note:          fmt.Sprintf("train %s on %s with %s, %s", in.Model, strings.Join(in.Datasets, ","), in.Algo, when(cron, every)),
	})
	if err != nil {
		return fmt.Errorf("schedule create %s: %w", name, err)
	}
	fmt.Fprintf(c.App.Writer, "created schedule %s (Temporal schedule %s): TrainModel of %s on %s with %s, %s\nweb UI: %s\n",
		name, scheduleID(name), in.Model, strings.Join(in.Datasets, ","), in.Algo, when(cron, every), scheduleURL(c, name))
	return nil
}

func when(cron string, every time.Duration) string {
	if cron != "" {
		return "cron " + cron
	}
	return "every " + every.String()
}

func scheduleURL(c *ucli.Context, name string) string {
	return strings.TrimSuffix(uiURL(c, ""), "/workflows/") + "/schedules/" + scheduleID(name)
}

// scheduleView is what `schedule describe --json` and `list --json` print.
type scheduleView struct {
	Name       string      `json:"name"`
	ID         string      `json:"schedule_id"`
	Paused     bool        `json:"paused"`
	Note       string      `json:"note,omitempty"`
	Actions    int         `json:"runs"`
	Skipped    int         `json:"runs_skipped_overlap"`
	Running    []string    `json:"running,omitempty"`
	Recent     []string    `json:"recent,omitempty"`
	NextRuns   []time.Time `json:"next_runs,omitempty"`
	WorkflowID string      `json:"workflow_id_prefix,omitempty"`
}

func scheduleDescribe(c *ucli.Context) error {
	name, err := scheduleName(c, "describe")
	if err != nil {
		return err
	}
	tc, err := dialTemporal(c, c.App.ErrWriter, slog.LevelWarn)
	if err != nil {
		return err
	}
	defer tc.Close()
	d, err := tc.ScheduleClient().GetHandle(c.Context, scheduleID(name)).Describe(c.Context)
	if err != nil {
		return scheduleError(name, err)
	}
	v := scheduleView{Name: name, ID: scheduleID(name), Paused: d.Schedule.State.Paused, Note: d.Schedule.State.Note,
		Actions: d.Info.NumActions, Skipped: d.Info.NumActionsSkippedOverlap, NextRuns: d.Info.NextActionTimes}
	if a, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction); ok {
		v.WorkflowID = a.ID
	}
	for _, r := range d.Info.RunningWorkflows {
		v.Running = append(v.Running, r.WorkflowID)
	}
	for _, r := range d.Info.RecentActions {
		if r.StartWorkflowResult != nil {
			v.Recent = append(v.Recent, r.StartWorkflowResult.WorkflowID)
		}
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, v)
	}
	w := c.App.Writer
	fmt.Fprintf(w, "schedule %s (%s)%s\n%s\nruns started %d, skipped while one ran %d\n", name, v.ID, map[bool]string{true: " PAUSED", false: ""}[v.Paused], v.Note, v.Actions, v.Skipped)
	for _, r := range v.Running {
		fmt.Fprintf(w, "running  %s\n", r)
	}
	for _, r := range v.Recent {
		fmt.Fprintf(w, "recent   %s\n", r)
	}
	for _, t := range v.NextRuns {
		fmt.Fprintf(w, "next     %s\n", t.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(w, "web UI: %s\n", scheduleURL(c, name))
	return nil
}

func scheduleList(c *ucli.Context) error {
	tc, err := dialTemporal(c, c.App.ErrWriter, slog.LevelWarn)
	if err != nil {
		return err
	}
	defer tc.Close()
	it, err := tc.ScheduleClient().List(c.Context, client.ScheduleListOptions{})
	if err != nil {
		return fmt.Errorf("schedule list: %w", err)
	}
	var rows [][]string
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return fmt.Errorf("schedule list: %w", err)
		}
		name, ok := strings.CutPrefix(e.ID, "retrain-")
		if !ok {
			continue // not one of mlctl's
		}
		next := ""
		if len(e.NextActionTimes) > 0 {
			next = e.NextActionTimes[0].UTC().Format(time.RFC3339)
		}
		if c.Bool("json") {
			if err := printJSON(c.App.Writer, scheduleView{Name: name, ID: e.ID, Paused: e.Paused, Note: e.Note, NextRuns: e.NextActionTimes}); err != nil {
				return err
			}
			continue
		}
		rows = append(rows, []string{name, fmt.Sprint(e.Paused), next, e.Note})
	}
	if !c.Bool("json") {
		table(c.App.Writer, []string{"NAME", "PAUSED", "NEXT", "WHAT"}, rows)
	}
	return nil
}

// Pausing and unpausing replace a schedule's note, which says what it
// trains: they keep that sentence, marked while paused.
const pausedMark = " [paused]"

func schedulePause(c *ucli.Context) error {
	return onSchedule(c, "pause", "paused", func(h client.ScheduleHandle, note string) error {
		return h.Pause(c.Context, client.SchedulePauseOptions{Note: strings.TrimSuffix(note, pausedMark) + pausedMark})
	})
}

func scheduleUnpause(c *ucli.Context) error {
	return onSchedule(c, "unpause", "unpaused", func(h client.ScheduleHandle, note string) error {
		return h.Unpause(c.Context, client.ScheduleUnpauseOptions{Note: strings.TrimSuffix(note, pausedMark)})
	})
}

func scheduleTrigger(c *ucli.Context) error {
	return onSchedule(c, "trigger", "triggered: a run starts now unless one is running", func(h client.ScheduleHandle, _ string) error {
		return h.Trigger(c.Context, client.ScheduleTriggerOptions{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP})
	})
}

func scheduleDelete(c *ucli.Context) error {
	return onSchedule(c, "delete", "deleted", func(h client.ScheduleHandle, _ string) error { return h.Delete(c.Context) })
}

// onSchedule runs one action on the named schedule, given its note.
func onSchedule(c *ucli.Context, cmd, done string, do func(h client.ScheduleHandle, note string) error) error {
	name, err := scheduleName(c, cmd)
	if err != nil {
		return err
	}
	tc, err := dialTemporal(c, c.App.ErrWriter, slog.LevelWarn)
	if err != nil {
		return err
	}
	defer tc.Close()
	h := tc.ScheduleClient().GetHandle(c.Context, scheduleID(name))
	d, err := h.Describe(c.Context)
	if err != nil {
		return scheduleError(name, err)
	}
	if err := do(h, d.Schedule.State.Note); err != nil {
		return scheduleError(name, err)
	}
	fmt.Fprintf(c.App.Writer, "schedule %s: %s\n", name, done)
	return nil
}

// scheduleError names a schedule that does not exist.
func scheduleError(name string, err error) error {
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return registry.Errorf(registry.ENOTFOUND, "schedule %s not found (see `mlctl schedule list`)", name)
	}
	return fmt.Errorf("schedule %s: %w", name, err)
}
