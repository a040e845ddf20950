package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl"
)

func versionCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "version",
		Usage: "print the module version, the git commit it was built from and the Go version",
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "json", Usage: `print {"version","revision","time","modified","go","platform"}`},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return usagef("version: unexpected argument %q%s", c.Args().First(), seeHelp("version"))
			}
			return printVersion(c, c.Bool("json"))
		},
	}
}

// printVersion prints the binary's build on one line, or as JSON.
func printVersion(c *ucli.Context, asJSON bool) error {
	b := mlctl.ReadBuild()
	if asJSON {
		return printJSON(c.App.Writer, b)
	}
	_, err := fmt.Fprintln(c.App.Writer, b)
	return err
}
