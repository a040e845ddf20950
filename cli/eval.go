package cli

import (
	"fmt"

	"github.com/mlctl/mlctl"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/evaluation"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/eval"
)

func evalCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "eval",
		Usage:     "evaluate a published model on whole dataset versions at its threshold, and record it",
		ArgsUsage: "MODEL@V",
		Flags: []ucli.Flag{
			&ucli.StringSliceFlag{Name: "dataset", Required: true, Usage: "NAME[@V] (repeatable)"},
			&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() != 1 {
				return usagef("eval: want MODEL@V")
			}
			db, err := openDB(c)
			if err != nil {
				return err
			}
			defer db.Close()
			l, err := loadModel(c.Context, db, c.Args().First())
			if err != nil {
				return err
			}
			var ds []*registry.Dataset
			var refs []string
			for _, r := range c.StringSlice("dataset") {
				name, version, err := mlctl.ParseRef(r)
				if err != nil {
					return usagef("eval: --dataset %v", err)
				}
				d, err := db.Dataset(c.Context, name, version)
				if err != nil {
					return err
				}
				ds = append(ds, d)
				refs = append(refs, d.Ref())
			}
			rep, err := evaluation.Published(c.Context, db, l.Model, ds)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				return printJSON(c.App.Writer, struct {
					Model    string   `json:"model"`
					Version  int      `json:"version"`
					SHA256   string   `json:"sha256"`
					Datasets []string `json:"datasets"`
					mlctl.Report
				}{l.Model.Name, l.Model.Version, l.Model.SHA256, refs, rep})
			}
			fmt.Fprintf(c.App.Writer, "%s on %v (%d rows):\n", l.Model.Ref(), refs, rep.Rows)
			printLeftOut(c.App.Writer, rep.Prefiltered)
			fmt.Fprint(c.App.Writer, eval.Format(rep))
			return nil
		},
	}
}
