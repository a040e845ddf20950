package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl"
)

// version is stamped at build time by the image and release builds:
//
//	go build -ldflags "-X github.com/mlctl/mlctl/cli.version=v1.2.3" ./cmd/mlctl
//
// Left empty, the version is what the Go toolchain recorded (mlctl.ReadBuild).
var version string

// build is the running binary's build, with the stamped version when there is one.
func build() mlctl.Build {
	b := mlctl.ReadBuild()
	if version != "" {
		b.Version = version
	}
	return b
}

// Version is mlctl's version as `mlctl --version` prints it: the stamped
// version, else the module version the toolchain recorded (a tag, or a
// pseudo-version of the commit of a build from a checkout).
func Version() string { return build().Version }

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
	b := build()
	if asJSON {
		return printJSON(c.App.Writer, b)
	}
	_, err := fmt.Fprintln(c.App.Writer, b)
	return err
}
