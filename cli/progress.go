package cli

import (
	"fmt"
	"io"
	"log/slog"
	"time"

	ucli "github.com/urfave/cli/v2"
)

// progressLogEvery is the shortest time between two progress records in
// JSON logs (a terminal's live line is redrawn every second).
const progressLogEvery = 5 * time.Second

// liveProgress shows a waiting command's progress on stderr: with text
// logs, human lines and one live line redrawn in place; with JSON logs
// (--log-format json), log records a log shipper can parse.
type liveProgress struct {
	w io.Writer
	// log is set for JSON logs.
	log *slog.Logger

	drawn   bool
	lastLog time.Time
}

// newLiveProgress is the progress display --log-format chooses.
func newLiveProgress(c *ucli.Context) (*liveProgress, error) {
	l, err := loggingOf(c)
	if err != nil {
		return nil, err
	}
	p := &liveProgress{w: c.App.ErrWriter}
	if l.json() {
		p.log = l.logger(c.App.ErrWriter)
	}
	return p, nil
}

// started says a workflow run began: kind (TrainModel), its ID, its web UI
// address, and text (said after the ID in text logs).
func (p *liveProgress) started(kind, id, ui, text string, attrs ...any) {
	if p.log != nil {
		p.log.Info("workflow started", append([]any{"workflow", kind, "workflow_id", id, "ui", ui}, attrs...)...)
		return
	}
	fmt.Fprintf(p.w, "%s %s%s\nweb UI: %s\n", kind, id, text, ui)
}

// update shows progress: line on the live line, or progress (a struct,
// logged as a JSON object) every progressLogEvery.
func (p *liveProgress) update(line string, progress any) {
	if p.log != nil {
		if time.Since(p.lastLog) >= progressLogEvery {
			p.lastLog = time.Now()
			p.log.Info("progress", "line", line, "progress", progress)
		}
		return
	}
	fmt.Fprintf(p.w, "\r%-100s", line)
	p.drawn = true
}

// waiting says the run makes no progress yet, and why (line).
func (p *liveProgress) waiting(line string, since time.Duration) {
	if p.log != nil {
		if time.Since(p.lastLog) >= progressLogEvery {
			p.lastLog = time.Now()
			p.log.Warn(line, "waited_seconds", since.Round(time.Second).Seconds())
		}
		return
	}
	fmt.Fprintf(p.w, "\r%-100s", line+"  "+fmtDuration(since.Seconds()))
	p.drawn = true
}

// step says the run moved to the named step (every step is shown).
func (p *liveProgress) step(step string) {
	if p.log != nil {
		p.log.Info("step", "step", step)
		return
	}
	fmt.Fprintf(p.w, "step: %s\n", step)
}

// done ends the live line.
func (p *liveProgress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
