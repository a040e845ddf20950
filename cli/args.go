package cli

import (
	"strings"

	"github.com/mlctl/mlctl"

	ucli "github.com/urfave/cli/v2"
)

// interspersed moves a command's positional arguments after its flags, so
// `mlctl dataset ingest NAME --kind dga` parses like DESIGN.md writes it
// (urfave/cli v2 stops reading flags at the first positional argument).
func interspersed(app *ucli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	rest := args[1:]
	// Global flags before the command.
	flags := app.Flags
	for len(rest) > 0 && strings.HasPrefix(rest[0], "-") && rest[0] != "--" {
		n := flagWidth(flags, rest)
		out = append(out, rest[:n]...)
		rest = rest[n:]
	}
	cmds := app.Commands
	var cmd *ucli.Command
	for len(rest) > 0 {
		next := findCommand(cmds, rest[0])
		if next == nil {
			break
		}
		cmd = next
		out = append(out, rest[0])
		rest = rest[1:]
		cmds = cmd.Subcommands
	}
	if cmd == nil || len(cmd.Subcommands) > 0 {
		return append(out, rest...)
	}
	var fl, pos []string
	for len(rest) > 0 {
		a := rest[0]
		if a == "--" {
			pos = append(pos, rest[1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			n := flagWidth(cmd.Flags, rest)
			fl = append(fl, rest[:n]...)
			rest = rest[n:]
			continue
		}
		pos = append(pos, a)
		rest = rest[1:]
	}
	out = append(out, fl...)
	if len(pos) > 0 {
		out = append(out, "--")
		out = append(out, pos...)
	}
	return out
}

// flagWidth is how many tokens the flag at args[0] takes: 1 for booleans
// and --name=value, else 2.
func flagWidth(flags []ucli.Flag, args []string) int {
	a := strings.TrimLeft(args[0], "-")
	if strings.Contains(a, "=") || len(args) < 2 {
		return 1
	}
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != a {
				continue
			}
			if _, ok := f.(*ucli.BoolFlag); ok {
				return 1
			}
			return 2
		}
	}
	if a == "help" || a == "h" {
		return 1
	}
	return 2
}

func findCommand(cmds []*ucli.Command, name string) *ucli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// checkName is mlctl.ValidateName as a usage error (exit status 2) that
// says which flag or argument (where) held the name.
func checkName(cmd, where, kind, name string) error {
	if err := mlctl.ValidateName(kind, name); err != nil {
		return usagef("%s: %s: %v", cmd, where, err)
	}
	return nil
}
