package cli

import (
	"strconv"

	ucli "github.com/urfave/cli/v2"
)

func aliasesCommand() *ucli.Command {
	flags := func() []ucli.Flag {
		return []ucli.Flag{
			&ucli.StringFlag{Name: "alias", Usage: "only this alias"},
			&ucli.BoolFlag{Name: "json", Usage: "print JSON lines"},
		}
	}
	return &ucli.Command{
		Name:   "aliases",
		Usage:  "list aliases and the model each points at",
		Flags:  flags(),
		Action: aliasesList,
		Subcommands: []*ucli.Command{
			{Name: "history", Usage: "every change of the aliases, newest first: from, to, when, why, workflow, who",
				Flags: flags(), Action: aliasesHistory},
		},
	}
}

func aliasesList(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("aliases: unknown argument %q (did you mean `aliases history`?)", c.Args().First())
	}
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	as, err := db.Aliases(c.Context)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, a := range as {
		if c.String("alias") != "" && a.Name != c.String("alias") {
			continue
		}
		if c.Bool("json") {
			if err := printJSON(c.App.Writer, map[string]any{"alias": a.Name, "model": a.Model.Name, "version": a.Model.Version,
				"sha256": a.Model.SHA256, "change_id": a.ChangeID, "updated_at": a.UpdatedAt}); err != nil {
				return err
			}
			continue
		}
		rows = append(rows, []string{a.Name, a.Model.Ref(), a.Model.SHA256[:12], a.UpdatedAt.Local().Format("2006-01-02 15:04:05")})
	}
	if !c.Bool("json") {
		if len(rows) == 0 {
			c.App.ErrWriter.Write([]byte("no aliases yet: `mlctl promote MODEL@V --alias production` sets one\n"))
			return nil
		}
		table(c.App.Writer, []string{"ALIAS", "MODEL", "SHA256", "SINCE"}, rows)
	}
	return nil
}

func aliasesHistory(c *ucli.Context) error {
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	hs, err := db.AliasHistory(c.Context, c.String("alias"))
	if err != nil {
		return err
	}
	var rows [][]string
	for _, h := range hs {
		if c.Bool("json") {
			if err := printJSON(c.App.Writer, h); err != nil {
				return err
			}
			continue
		}
		from := h.From
		if from == "" {
			from = "-"
		}
		rows = append(rows, []string{strconv.FormatInt(h.ID, 10), h.At.Local().Format("2006-01-02 15:04:05"), h.Alias, h.Action,
			from, h.To, h.By, h.WorkflowID, oneLine(h.Reason)})
	}
	if !c.Bool("json") {
		table(c.App.Writer, []string{"ID", "WHEN", "ALIAS", "ACTION", "FROM", "TO", "BY", "WORKFLOW", "REASON"}, rows)
	}
	return nil
}
