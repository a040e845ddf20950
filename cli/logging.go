package cli

import (
	"io"
	"log/slog"
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// The values of --log-format.
const (
	logText = "text"
	logJSON = "json"
)

// loggingFlags are the global flags that say how long-running commands
// (worker, serve, train/tune/promote/rollback --wait) log on stderr.
func loggingFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringFlag{Name: "log-format", EnvVars: []string{"MLCTL_LOG_FORMAT"}, Value: logText, Usage: "log format on stderr: text (key=value lines) or json (one JSON object a line, for a log shipper)"},
		&ucli.StringFlag{Name: "log-level", EnvVars: []string{"MLCTL_LOG_LEVEL"}, Value: "info", Usage: "least severe log level shown: debug, info, warn or error"},
	}
}

// logging is how a command logs, as the global flags say.
type logging struct {
	// format is logText or logJSON.
	format string
	level  slog.Level
	// levelSet says --log-level (or its variable) was given: the Temporal
	// SDK's messages then follow it too instead of their own floor.
	levelSet bool
}

// loggingOf reads --log-format and --log-level; a bad value is a usage
// error.
func loggingOf(c *ucli.Context) (logging, error) {
	l := logging{format: strings.ToLower(strings.TrimSpace(c.String("log-format"))), levelSet: c.IsSet("log-level")}
	switch l.format {
	case "", logText:
		l.format = logText
	case logJSON:
	default:
		return logging{}, usagef("--log-format %q: want text or json%s", c.String("log-format"), seeHelp(""))
	}
	lvl, err := parseLevel(c.String("log-level"))
	if err != nil {
		return logging{}, err
	}
	l.level = lvl
	return l, nil
}

// parseLevel reads a --log-level value.
func parseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return slog.LevelDebug, nil
	case "", "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, usagef("--log-level %q: want debug, info, warn or error%s", s, seeHelp(""))
}

// json says the logs are JSON lines.
func (l logging) json() bool { return l.format == logJSON }

// logger is a logger on w at the chosen level and format.
func (l logging) logger(w io.Writer) *slog.Logger { return l.loggerAbove(w, l.level) }

// sdkLogger is a logger on w for the Temporal SDK's messages: at the chosen
// level when --log-level was given, else at floor or above (the SDK's
// informational chatter is noise in a command that only starts a workflow).
func (l logging) sdkLogger(w io.Writer, floor slog.Level) *slog.Logger {
	if l.levelSet {
		return l.logger(w)
	}
	return l.loggerAbove(w, max(l.level, floor))
}

func (l logging) loggerAbove(w io.Writer, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if l.json() {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// newLogger is the logger on stderr that the global flags choose.
func newLogger(c *ucli.Context) (*slog.Logger, error) {
	l, err := loggingOf(c)
	if err != nil {
		return nil, err
	}
	return l.logger(c.App.ErrWriter), nil
}

// checkLogging is the app's Before: bad --log-format or --log-level
// values are usage errors before any command runs.
func checkLogging(c *ucli.Context) error {
	_, err := loggingOf(c)
	return err
}
