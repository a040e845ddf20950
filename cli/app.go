// Package cli builds mlctl's command line (urfave/cli/v2): one file per
// command group. Commands parse flags, call the other packages and print.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/temporalenv"

	ucli "github.com/urfave/cli/v2"
)

// App returns the mlctl command line application.
func App(stdout, stderr io.Writer) *ucli.App {
	app := &ucli.App{
		Name:      "mlctl",
		Usage:     "ML lifecycle for network threat detection: ingest, train, evaluate, publish, score",
		Version:   Version(),
		Writer:    stdout,
		ErrWriter: stderr,
		Flags: append([]ucli.Flag{
			&ucli.StringFlag{Name: "db", EnvVars: []string{"MLCTL_DATABASE_URL"}, Usage: "PostgreSQL connection string (pgx), required (for the dev stack: `make up`, then `. .dev/env`)"},
			&ucli.StringFlag{Name: "temporal", EnvVars: []string{"TEMPORAL_ADDRESS"}, Value: temporalenv.DefaultAddress, Usage: "Temporal frontend host:port; when not given, the Temporal profile's address, else the default"},
			&ucli.StringFlag{Name: "namespace", EnvVars: []string{"TEMPORAL_NAMESPACE"}, Value: temporalenv.DefaultNamespace, Usage: "Temporal namespace; when not given, the Temporal profile's namespace, else the default"},
			&ucli.StringFlag{Name: "temporal-profile", EnvVars: []string{"TEMPORAL_PROFILE"}, Usage: "profile of the Temporal client config file ($TEMPORAL_CONFIG_FILE, else ~/.config/temporalio/temporal.toml) with address, namespace, TLS and API key (default: \"default\" when the file has it)"},
			&ucli.BoolFlag{Name: "version", Usage: "print the version (module, git commit, Go) and exit"},
		}, loggingFlags()...),
		Commands: []*ucli.Command{
			migrateCommand(),
			workerCommand(),
			datasetCommand(),
			trainCommand(),
			modelsCommand(),
			evalCommand(),
			scoreCommand(),
			featuresCommand(),
			promoteCommand(),
			rollbackCommand(),
			aliasesCommand(),
			serveCommand(),
			driftCommand(),
			scheduleCommand(),
			tuneCommand(),
			versionCommand(),
		},
		Before:          checkLogging,
		Action:          rootAction,
		HideHelpCommand: true,
		HideVersion:     true,
		ExitErrHandler:  func(*ucli.Context, error) {},
	}
	usageErrors(app)
	return app
}

// Main runs the application and returns the process exit status. Errors are
// one line on stderr: users see the message, never a stack.
func Main(args []string) int { return run(args, os.Stdin, os.Stdout, os.Stderr) }

// run is Main on the given standard streams.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := App(stdout, stderr)
	app.Reader = stdin
	err := app.Run(interspersed(app, args))
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "mlctl: %s\n", oneLine(err.Error()))
	return exitStatus(err)
}

// exitStatus maps an error to the process exit status: 2 for a usage
// error, 3 not found, 4 corrupt, else 1.
func exitStatus(err error) int {
	var u *usageError
	switch {
	case errors.As(err, &u):
		return 2
	case mlctl.ErrorCode(err) == mlctl.ENOTFOUND:
		return 3
	case mlctl.ErrorCode(err) == mlctl.ECORRUPT:
		return 4
	}
	return 1
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.ReplaceAll(s, "\n", "; ")
}
