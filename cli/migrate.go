package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"
)

func migrateCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "migrate",
		Usage: "apply the registry's embedded database migrations",
		Flags: []ucli.Flag{&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"}},
		Action: func(c *ucli.Context) error {
			db, err := openDB(c)
			if err != nil {
				return err
			}
			defer db.Close()
			applied, err := db.Migrate(c.Context)
			if err != nil {
				return err
			}
			if applied == nil {
				applied = []string{}
			}
			if c.Bool("json") {
				return printJSON(c.App.Writer, map[string]any{"applied": applied})
			}
			if len(applied) == 0 {
				fmt.Fprintln(c.App.Writer, "database is up to date")
			}
			for _, m := range applied {
				fmt.Fprintf(c.App.Writer, "applied %s\n", m)
			}
			return nil
		},
	}
}
