package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	ucli "github.com/urfave/cli/v2"
)

// runLogging runs a command that logs and shows progress the way the
// long-running commands do, with the given global flags, and returns its
// stderr.
func runLogging(t *testing.T, global ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	app := App(&out, &errOut)
	app.Commands = append(app.Commands, &ucli.Command{Name: "logtest", Action: func(c *ucli.Context) error {
		log, err := newLogger(c)
		if err != nil {
			return err
		}
		log.Debug("debug record")
		log.Info("info record", "k", 1)
		log.Warn("warn record")
		p, err := newLiveProgress(c)
		if err != nil {
			return err
		}
		p.started("TrainModel", "train-x-1", "http://ui/x", "")
		p.update("train: 3/10 trees", map[string]int{"done": 3, "total": 10})
		p.step("verify")
		p.done()
		return nil
	}})
	if err := app.Run(append(append([]string{"mlctl"}, global...), "logtest")); err != nil {
		t.Fatal(err)
	}
	return errOut.String()
}

// TestLogFormatAndLevel: --log-format json (or MLCTL_LOG_FORMAT) makes
// logs and a waiting command's progress JSON objects with time, level and
// msg; --log-level (or MLCTL_LOG_LEVEL) drops the records below it; text
// stays the default, with progress as human lines.
func TestLogFormatAndLevel(t *testing.T) {
	records := func(s string) []map[string]any {
		var recs []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
			var r map[string]any
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatalf("not a JSON line: %q", line)
			}
			if r["time"] == nil || r["level"] == nil || r["msg"] == nil {
				t.Fatalf("no time, level or msg: %q", line)
			}
			recs = append(recs, r)
		}
		return recs
	}
	recs := records(runLogging(t, "--log-format", "json"))
	var msgs []string
	for _, r := range recs {
		msgs = append(msgs, r["msg"].(string))
	}
	if got := strings.Join(msgs, "|"); got != "info record|warn record|workflow started|progress|step" {
		t.Fatalf("JSON records %q", got)
	}
	if recs[2]["workflow_id"] != "train-x-1" || recs[3]["progress"].(map[string]any)["done"] != 3.0 || recs[4]["step"] != "verify" {
		t.Fatalf("records %v", recs)
	}

	t.Setenv("MLCTL_LOG_FORMAT", "json")
	t.Setenv("MLCTL_LOG_LEVEL", "debug")
	if recs := records(runLogging(t)); len(recs) != 6 || recs[0]["level"] != "DEBUG" {
		t.Fatalf("with MLCTL_LOG_LEVEL=debug: %v", recs)
	}
	if recs := records(runLogging(t, "--log-level", "warn")); len(recs) != 1 || recs[0]["msg"] != "warn record" {
		t.Fatalf("--log-level warn over the environment's debug (progress is info): %v", recs)
	}

	t.Setenv("MLCTL_LOG_FORMAT", "")
	t.Setenv("MLCTL_LOG_LEVEL", "")
	text := runLogging(t)
	for _, want := range []string{"level=INFO msg=\"info record\" k=1\n", "TrainModel train-x-1\nweb UI: http://ui/x\n", "\rtrain: 3/10 trees", "step: verify\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("text logs lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "debug record") {
		t.Errorf("text logs at the default level info show a debug record:\n%s", text)
	}
}
