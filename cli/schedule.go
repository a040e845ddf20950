package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mlctl/mlctl"

	ucli "github.com/urfave/cli/v2"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// scheduleCommand manages Temporal Schedules that retrain a model: each
// run is a Retrain workflow, never two of one schedule at once; with
// --drift-every a second schedule runs DriftCheck, which starts a retrain
// when the champion's live inputs drifted.
func scheduleCommand() *ucli.Command {
	nameOnly := func(action ucli.ActionFunc, usage string) *ucli.Command {
		return &ucli.Command{Usage: usage, ArgsUsage: "NAME", Action: action}
	}
	pause := nameOnly(schedulePause, "pause a schedule (its runs stop until unpause)")
	pause.Name = "pause"
	unpause := nameOnly(scheduleUnpause, "unpause a schedule")
	unpause.Name = "unpause"
	trigger := nameOnly(scheduleTrigger, "start a retrain now (or, with --drift, a drift check)")
	trigger.Name = "trigger"
	trigger.Flags = []ucli.Flag{&ucli.BoolFlag{Name: "drift", Usage: "start the drift check instead"}}
	del := nameOnly(scheduleDelete, "delete a schedule (runs in progress finish)")
	del.Name = "delete"
	describe := nameOnly(scheduleDescribe, "show a schedule: what it trains, when, its recent and next runs, and its recent decisions")
	describe.Name = "describe"
	describe.Flags = []ucli.Flag{&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"}}
	return &ucli.Command{
		Name:  "schedule",
		Usage: "retrain models on a schedule (Temporal Schedules, visible in the web UI)",
		Subcommands: []*ucli.Command{
			{
				Name: "create", Usage: "create a schedule whose runs are Retrain workflows: new files → next dataset version → train → gate against the alias's model → (shadow) → promote",
				ArgsUsage: "NAME", Flags: scheduleCreateFlags(), Action: scheduleCreate,
			},
			{Name: "list", Usage: "list schedules", Flags: []ucli.Flag{&ucli.BoolFlag{Name: "json", Usage: "print JSON lines"}}, Action: scheduleList},
			describe, pause, unpause, trigger, del,
		},
	}
}

// scheduleID is the Temporal Schedule ID of a schedule NAME, and the
// prefix of its Retrain runs' workflow IDs.
func scheduleID(name string) string { return "retrain-" + name }

// driftScheduleID is the Temporal Schedule ID of NAME's drift check.
func driftScheduleID(name string) string { return "drift-" + name }

// scheduleName is the NAME argument of `schedule CMD`. A new schedule's
// name must pass mlctl.ValidateName; the other commands only refuse what
// cannot be a schedule at all, so one made before that rule stays reachable.
func scheduleName(c *ucli.Context, cmd string) (string, error) {
	if c.NArg() != 1 {
		return "", usagef("schedule %s: want one NAME", cmd)
	}
	name := c.Args().First()
	if cmd == "create" {
		if err := checkName("schedule create", "NAME", "schedule", name); err != nil {
			return "", err
		}
		return name, nil
	}
	if strings.ContainsAny(name, " \t/@") {
		return "", usagef("schedule %s: name %q may not contain spaces, '/' or '@'", cmd, name)
	}
	return name, nil
}

func when(cron string, every time.Duration) string {
	if cron != "" {
		return "cron " + cron
	}
	return "every " + every.String()
}

func scheduleURL(c *ucli.Context, id string) string {
	return strings.TrimSuffix(uiURL(c, ""), "/workflows/") + "/schedules/" + id
}

// scheduleView is what `schedule describe --json` and `list --json` print.
type scheduleView struct {
	Name       string      `json:"name"`
	ID         string      `json:"schedule_id"`
	Workflow   string      `json:"workflow,omitempty"` // Retrain or DriftCheck
	Paused     bool        `json:"paused"`
	Note       string      `json:"note,omitempty"`
	Actions    int         `json:"runs"`
	Skipped    int         `json:"runs_skipped_overlap"`
	Running    []string    `json:"running,omitempty"`
	Recent     []string    `json:"recent,omitempty"`
	NextRuns   []time.Time `json:"next_runs,omitempty"`
	WorkflowID string      `json:"workflow_id_prefix,omitempty"`
	// Drift is the schedule's drift check, when it has one.
	Drift *scheduleView `json:"drift,omitempty"`
	// Decisions are its newest retrain decisions (describe only).
	Decisions []*mlctl.Decision `json:"decisions,omitempty"`
}

func describeSchedule(c *ucli.Context, tc client.Client, name, id string) (*scheduleView, error) {
	d, err := tc.ScheduleClient().GetHandle(c.Context, id).Describe(c.Context)
	if err != nil {
		return nil, err
	}
	v := &scheduleView{Name: name, ID: id, Paused: d.Schedule.State.Paused, Note: d.Schedule.State.Note,
		Actions: d.Info.NumActions, Skipped: d.Info.NumActionsSkippedOverlap, NextRuns: d.Info.NextActionTimes}
	if a, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction); ok {
		v.WorkflowID = a.ID
		if wt, ok := a.Workflow.(string); ok {
			v.Workflow = wt
		}
	}
	for _, r := range d.Info.RunningWorkflows {
		v.Running = append(v.Running, r.WorkflowID)
	}
	for _, r := range d.Info.RecentActions {
		if r.StartWorkflowResult != nil {
			v.Recent = append(v.Recent, r.StartWorkflowResult.WorkflowID)
		}
	}
	return v, nil
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
	v, err := describeSchedule(c, tc, name, scheduleID(name))
	if err != nil {
		return scheduleError(name, err)
	}
	if dv, err := describeSchedule(c, tc, name, driftScheduleID(name)); err == nil {
		v.Drift = dv
	} else if !isNotFound(err) {
		return scheduleError(name, err)
	}
	if db, err := openDB(c); err == nil {
		v.Decisions, err = db.Decisions(c.Context, name, 10)
		db.Close()
		if err != nil {
			return err
		}
	} else {
		fmt.Fprintf(c.App.ErrWriter, "decisions not shown: %v\n", err)
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, v)
	}
	w := c.App.Writer
	for _, sv := range []*scheduleView{v, v.Drift} {
		if sv == nil {
			continue
		}
		fmt.Fprintf(w, "schedule %s (%s)%s\n%s\nruns started %d, skipped while one ran %d\n", name, sv.ID, map[bool]string{true: " PAUSED", false: ""}[sv.Paused], sv.Note, sv.Actions, sv.Skipped)
		for _, r := range sv.Running {
			fmt.Fprintf(w, "running  %s\n", r)
		}
		for _, r := range sv.Recent {
			fmt.Fprintf(w, "recent   %s\n", r)
		}
		for _, t := range sv.NextRuns[:min(3, len(sv.NextRuns))] {
			fmt.Fprintf(w, "next     %s\n", t.UTC().Format(time.RFC3339))
		}
		fmt.Fprintf(w, "web UI: %s\n\n", scheduleURL(c, sv.ID))
	}
	if len(v.Decisions) > 0 {
		var rows [][]string
		for _, d := range v.Decisions {
			rows = append(rows, []string{d.CreatedAt.Local().Format("2006-01-02 15:04:05"), d.Outcome, d.Reason})
		}
		table(w, []string{"DECIDED", "OUTCOME", "REASON"}, rows)
	}
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
		kind := "retrain"
		name, ok := strings.CutPrefix(e.ID, "retrain-")
		if !ok {
			if name, ok = strings.CutPrefix(e.ID, "drift-"); !ok {
				continue // not one of mlctl's
			}
			kind = "drift check"
		}
		next := ""
		if len(e.NextActionTimes) > 0 {
			next = e.NextActionTimes[0].UTC().Format(time.RFC3339)
		}
		if c.Bool("json") {
			wt := map[string]string{"retrain": "Retrain", "drift check": "DriftCheck"}[kind]
			if err := printJSON(c.App.Writer, scheduleView{Name: name, ID: e.ID, Workflow: wt, Paused: e.Paused, Note: e.Note, NextRuns: e.NextActionTimes}); err != nil {
				return err
			}
			continue
		}
		rows = append(rows, []string{name, kind, fmt.Sprint(e.Paused), next, e.Note})
	}
	if !c.Bool("json") {
		table(c.App.Writer, []string{"NAME", "RUNS", "PAUSED", "NEXT", "WHAT"}, rows)
	}
	return nil
}

// Pausing and unpausing replace a schedule's note, which says what it
// does: they keep that sentence, marked while paused.
const pausedMark = " [paused]"

func schedulePause(c *ucli.Context) error {
	return onSchedule(c, "pause", "paused", true, func(h client.ScheduleHandle, note string) error {
		return h.Pause(c.Context, client.SchedulePauseOptions{Note: strings.TrimSuffix(note, pausedMark) + pausedMark})
	})
}

func scheduleUnpause(c *ucli.Context) error {
	return onSchedule(c, "unpause", "unpaused", true, func(h client.ScheduleHandle, note string) error {
		return h.Unpause(c.Context, client.ScheduleUnpauseOptions{Note: strings.TrimSuffix(note, pausedMark)})
	})
}

func scheduleTrigger(c *ucli.Context) error {
	what := "triggered: a retrain starts now unless one is running"
	if c.Bool("drift") {
		what = "triggered its drift check"
	}
	return onSchedule(c, "trigger", what, false, func(h client.ScheduleHandle, _ string) error {
		return h.Trigger(c.Context, client.ScheduleTriggerOptions{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP})
	})
}

func scheduleDelete(c *ucli.Context) error {
	return onSchedule(c, "delete", "deleted", true, func(h client.ScheduleHandle, _ string) error { return h.Delete(c.Context) })
}

// onSchedule runs one action on the named schedule, given its note: on its
// retrain schedule, and on its drift check too when both is set (or on the
// drift check alone with trigger --drift).
func onSchedule(c *ucli.Context, cmd, done string, both bool, do func(h client.ScheduleHandle, note string) error) error {
	name, err := scheduleName(c, cmd)
	if err != nil {
		return err
	}
	tc, err := dialTemporal(c, c.App.ErrWriter, slog.LevelWarn)
	if err != nil {
		return err
	}
	defer tc.Close()
	ids := []string{scheduleID(name)}
	switch {
	case c.Bool("drift"):
		ids = []string{driftScheduleID(name)}
	case both:
		ids = append(ids, driftScheduleID(name))
	}
	for i, id := range ids {
		h := tc.ScheduleClient().GetHandle(c.Context, id)
		d, err := h.Describe(c.Context)
		if i > 0 && isNotFound(err) {
			continue // no drift check
		}
		if err != nil {
			if c.Bool("drift") && isNotFound(err) {
				return mlctl.Errorf(mlctl.ENOTFOUND, "schedule %s has no drift check (create it with --drift-every)", name)
			}
			return scheduleError(name, err)
		}
		if err := do(h, d.Schedule.State.Note); err != nil {
			return scheduleError(name, err)
		}
	}
	fmt.Fprintf(c.App.Writer, "schedule %s: %s\n", name, done)
	return nil
}

func isNotFound(err error) bool {
	var nf *serviceerror.NotFound
	return errors.As(err, &nf)
}

// scheduleError names a schedule that does not exist.
func scheduleError(name string, err error) error {
	if isNotFound(err) {
		return mlctl.Errorf(mlctl.ENOTFOUND, "schedule %s not found (see `mlctl schedule list`)", name)
	}
	return fmt.Errorf("schedule %s: %w", name, err)
}
