package cli

import (
	"bufio"
	"fmt"
	"os"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/datasets"
)

func datasetGenerateCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "generate",
		Usage: "write a synthetic demo corpus (DGA-style families and benign-looking names) as CSV",
		Flags: []ucli.Flag{
			&ucli.IntFlag{Name: "rows", Value: 40000, Usage: "number of rows"},
			&ucli.Uint64Flag{Name: "seed", Value: 1, Usage: "generator seed (same seed, same file)"},
			&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "CSV file to write (domain,label,family)"},
		},
		Action: func(c *ucli.Context) error {
			n := c.Int("rows")
			if n <= 0 {
				return usagef("dataset generate: --rows %d: want a positive number", n)
			}
			rows := datasets.GenerateDemo(c.Uint64("seed"), n)
			f, err := os.Create(c.String("output"))
			if err != nil {
				return fmt.Errorf("dataset generate: %w", err)
			}
			w := bufio.NewWriter(f)
			if err := datasets.WriteCSV(w, rows); err != nil {
				f.Close()
				return fmt.Errorf("dataset generate: %w", err)
			}
			if err := w.Flush(); err != nil {
				f.Close()
				return fmt.Errorf("dataset generate: %w", err)
			}
			if err := f.Close(); err != nil {
				return fmt.Errorf("dataset generate: %w", err)
			}
			fmt.Fprintf(c.App.ErrWriter, "wrote %d rows to %s\n", len(rows), c.String("output"))
			return nil
		},
	}
}
