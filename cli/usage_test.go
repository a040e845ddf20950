package cli

import (
	"bytes"
	"strings"
	"testing"
)

// TestUsageErrorsAreOneLine: every usage error — an unknown flag, a flag
// without its value or with a value of the wrong type, a missing required
// flag, an unknown or missing command, a missing or unexpected argument,
// a bad global --log-format or --log-level — exits 2 with exactly one line
// "mlctl: ..." on stderr and nothing on stdout (no help text). Nothing
// here reaches a database or Temporal: --db and --temporal point nowhere.
func TestUsageErrorsAreOneLine(t *testing.T) {
	cases := []struct {
		args []string
		want string // in the line
	}{
		{nil, "want a command: migrate, worker"},
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"--bogus"}, "unknown flag --bogus; see mlctl --help"},
		{[]string{"--db"}, "--db needs a value"},
		{[]string{"--log-format", "xml", "models", "list"}, `--log-format "xml": want text or json`},
		{[]string{"--log-level", "loud", "models", "list"}, `--log-level "loud": want debug, info, warn or error`},
		{[]string{"migrate", "--bogus"}, "migrate: unknown flag --bogus; see mlctl migrate --help"},
		{[]string{"migrate", "extra"}, `migrate: unexpected argument "extra"`},
		{[]string{"worker", "--task-queue"}, "worker: --task-queue needs a value"},
		{[]string{"worker", "--bogus"}, "worker: unknown flag --bogus"},
		{[]string{"dataset"}, "dataset: want a command: generate, ingest, list, show; see mlctl dataset --help"},
		{[]string{"dataset", "bogus"}, `dataset: unknown command "bogus" (have generate, ingest, list, show)`},
		{[]string{"dataset", "ingest", "n", "--kind", "dga"}, "dataset ingest: --file is required"},
		{[]string{"dataset", "ingest", "--kind", "dga", "--file", "x"}, "dataset ingest: want exactly one NAME"},
		{[]string{"dataset", "ingest", "n", "--kind", "dga", "--file", "x", "--max-bad-fraction", "lots"}, `dataset ingest: --max-bad-fraction "lots": want a number`},
		{[]string{"dataset", "show"}, "dataset show: want NAME[@V]"},
		{[]string{"dataset", "list", "extra"}, `dataset list: unexpected argument "extra"`},
		{[]string{"dataset", "generate", "--rows", "many"}, `dataset generate: --rows "many": want an integer`},
		{[]string{"train"}, "train: --dataset is required; see mlctl train --help"},
		{[]string{"train", "--dataset"}, "train: --dataset needs a value"},
		{[]string{"train", "--dataset", "d", "--bogus"}, "train: unknown flag --bogus"},
		{[]string{"models"}, "models: want a command"},
		{[]string{"models", "show"}, "models show: want MODEL[@V]"},
		{[]string{"models", "export", "m@1"}, "models export: --output is required"},
		{[]string{"models", "frobnicate"}, `models: unknown command "frobnicate"`},
		{[]string{"eval", "--dataset", "d"}, "eval: want MODEL@V"},
		{[]string{"score", "--model", "m@1"}, "score: --file is required"},
		{[]string{"score", "--model"}, "score: --model needs a value"},
		{[]string{"features", "--file"}, "features: --file needs a value"},
		{[]string{"promote"}, "promote: want one MODEL@V"},
		{[]string{"rollback", "x"}, `rollback: unexpected argument "x"`},
		{[]string{"aliases", "x"}, `aliases: unknown argument "x"`},
		{[]string{"aliases", "history", "x"}, `aliases history: unexpected argument "x"`},
		{[]string{"serve", "--max-body", "big"}, `serve: --max-body "big": want an integer`},
		{[]string{"serve", "--heartbeat", "often"}, `serve: --heartbeat "often": want a duration`},
		{[]string{"serve", "status", "x"}, `serve status: unexpected argument "x"`},
		{[]string{"drift", "--file", "x"}, "drift: want one MODEL@V"},
		{[]string{"schedule"}, "schedule: want a command: create, list"},
		{[]string{"schedule", "create"}, "schedule create: --dataset is required"},
		{[]string{"schedule", "pause"}, "schedule pause: want one NAME"},
		{[]string{"tune", "show"}, "tune show: want one tuning run ID"},
		{[]string{"tune", "--trials", "x"}, `tune: --trials "x": want an integer`},
		{[]string{"version", "x"}, `version: unexpected argument "x"`},
		{[]string{"version", "--bogus"}, "version: unknown flag --bogus"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		args := append([]string{"mlctl", "--db", "postgres://127.0.0.1:1/none", "--temporal", "127.0.0.1:1"}, c.args...)
		code := run(args, strings.NewReader(""), &out, &errOut)
		line := errOut.String()
		if code != 2 || out.Len() != 0 || strings.Count(line, "\n") != 1 || !strings.HasPrefix(line, "mlctl: ") || !strings.Contains(line, c.want) {
			t.Errorf("mlctl %s: exit %d, stdout %q, stderr %q; want exit 2, no stdout, one line with %q",
				strings.Join(c.args, " "), code, out.String(), line, c.want)
		}
	}
}

// TestHelpStillPrintsHelp: --help (anywhere) prints help on stdout and
// exits 0, with nothing on stderr.
func TestHelpStillPrintsHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"dataset", "--help"}, {"dataset", "ingest", "--help"}, {"train", "--help"}, {"schedule", "create", "-h"}} {
		var out, errOut bytes.Buffer
		code := run(append([]string{"mlctl"}, args...), strings.NewReader(""), &out, &errOut)
		if code != 0 || errOut.Len() != 0 || !strings.Contains(out.String(), "USAGE:") {
			t.Errorf("mlctl %s: exit %d, stderr %q, stdout %.80q; want help on stdout, exit 0", strings.Join(args, " "), code, errOut.String(), out.String())
		}
	}
}
