package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// usageError is wrong command-line input (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// usageErrors makes every usage error urfave/cli finds itself (an unknown
// flag, a flag without its value or with a value of the wrong type, a
// missing required flag, an unknown or missing subcommand) a usageError:
// one line on stderr and exit status 2, without the help text urfave/cli
// would print on stdout. --help still prints help on stdout.
func usageErrors(app *ucli.App) {
	app.OnUsageError = func(c *ucli.Context, err error, _ bool) error {
		return flagError("", app.Flags, err)
	}
	for _, cmd := range app.Commands {
		usageErrorsOf(cmd, cmd.Name)
	}
}

// usageErrorsOf is usageErrors for cmd, named path ("dataset ingest"),
// and its subcommands.
func usageErrorsOf(cmd *ucli.Command, path string) {
	cmd.OnUsageError = func(c *ucli.Context, err error, _ bool) error {
		return flagError(path, cmd.Flags, err)
	}
	if required := unrequire(cmd.Flags); len(required) > 0 {
		before := cmd.Before
		cmd.Before = func(c *ucli.Context) error {
			for _, name := range required {
				if !c.IsSet(name) {
					return usagef("%s: --%s is required%s", path, name, seeHelp(path))
				}
			}
			if before != nil {
				return before(c)
			}
			return nil
		}
	}
	if action := cmd.Action; action != nil && len(cmd.Subcommands) == 0 && cmd.ArgsUsage == "" {
		// A command without ArgsUsage takes no arguments.
		cmd.Action = func(c *ucli.Context) error {
			if c.Args().Present() {
				return usagef("%s: unexpected argument %q%s", path, c.Args().First(), seeHelp(path))
			}
			return action(c)
		}
	}
	if cmd.Action == nil && len(cmd.Subcommands) > 0 {
		cmd.Action = func(c *ucli.Context) error {
			if c.Args().Present() {
				return usagef("%s: unknown command %q (have %s)%s", path, c.Args().First(), commandNames(cmd.Subcommands), seeHelp(path))
			}
			return usagef("%s: want a command: %s%s", path, commandNames(cmd.Subcommands), seeHelp(path))
		}
	}
	for _, sub := range cmd.Subcommands {
		usageErrorsOf(sub, path+" "+sub.Name)
	}
}

// rootAction runs when no command was named: --version, else a usage
// error for the unknown (or missing) command.
func rootAction(c *ucli.Context) error {
	if c.Bool("version") {
		return printVersion(c, false)
	}
	if c.Args().Present() {
		return usagef("unknown command %q (have %s)%s", c.Args().First(), commandNames(c.App.Commands), seeHelp(""))
	}
	return usagef("want a command: %s%s", commandNames(c.App.Commands), seeHelp(""))
}

// unrequire clears the Required mark of flags and returns their names:
// urfave/cli prints the command's help on stdout before it reports a
// missing required flag, so usageErrorsOf checks them itself.
func unrequire(flags []ucli.Flag) []string {
	var names []string
	for _, f := range flags {
		r, ok := f.(ucli.RequiredFlag)
		if !ok || !r.IsRequired() {
			continue
		}
		switch f := f.(type) {
		case *ucli.StringFlag:
			f.Required = false
		case *ucli.StringSliceFlag:
			f.Required = false
		case *ucli.IntFlag:
			f.Required = false
		case *ucli.Int64Flag:
			f.Required = false
		case *ucli.Float64Flag:
			f.Required = false
		case *ucli.DurationFlag:
			f.Required = false
		case *ucli.BoolFlag:
			f.Required = false
		default:
			continue // left to urfave/cli
		}
		names = append(names, f.Names()[0])
	}
	return names
}

// commandNames lists the visible commands' names.
func commandNames(cmds []*ucli.Command) string {
	var names []string
	for _, c := range cmds {
		if !c.Hidden && c.Name != "help" {
			names = append(names, c.Name)
		}
	}
	return strings.Join(names, ", ")
}

// seeHelp is the hint after a usage error of the command at path.
func seeHelp(path string) string {
	if path == "" {
		return "; see mlctl --help"
	}
	return "; see mlctl " + path + " --help"
}

// The flag package's parse errors, which name a flag with one dash.
var (
	undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: -+(.+)$`)
	flagBadValue  = regexp.MustCompile(`^invalid value "(.*)" for flag -+([^:]+): (.*)$`)
)

// flagError is a flag-parse error of the command at path (whose flags
// are flags) as a usageError that names the flag as users type it
// (--name) and, for a bad value, what the flag wants.
func flagError(path string, flags []ucli.Flag, err error) error {
	var u *usageError
	if errors.As(err, &u) {
		return err
	}
	prefix := ""
	if path != "" {
		prefix = path + ": "
	}
	msg := oneLine(err.Error())
	switch {
	case undefinedFlag.MatchString(msg):
		name := undefinedFlag.FindStringSubmatch(msg)[1]
		return usagef("%sunknown flag --%s%s", prefix, name, seeHelp(path))
	case flagNoValue.MatchString(msg):
		name := flagNoValue.FindStringSubmatch(msg)[1]
		return usagef("%s--%s needs a value%s", prefix, name, seeHelp(path))
	case flagBadValue.MatchString(msg):
		m := flagBadValue.FindStringSubmatch(msg)
		want := flagWants(flags, m[2])
		if want == "" {
			want = m[3]
		}
		return usagef("%s--%s %q: want %s%s", prefix, m[2], m[1], want, seeHelp(path))
	}
	return usagef("%s%s%s", prefix, msg, seeHelp(path))
}

// flagWants says what kind of value the flag named name takes ("" when
// flags has no such flag or it takes text).
func flagWants(flags []ucli.Flag, name string) string {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			switch f.(type) {
			case *ucli.IntFlag, *ucli.Int64Flag, *ucli.IntSliceFlag, *ucli.Int64SliceFlag:
				return "an integer"
			case *ucli.UintFlag, *ucli.Uint64Flag:
				return "a non-negative integer"
			case *ucli.Float64Flag, *ucli.Float64SliceFlag:
				return "a number"
			case *ucli.DurationFlag:
				return "a duration such as 500ms, 30s or 5m"
			case *ucli.BoolFlag:
				return "true or false"
			}
			return ""
		}
	}
	return ""
}
