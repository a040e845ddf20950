package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"unicode/utf8"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/datasets/txtgen"
)

func datasetGenerateCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "generate",
		Usage: "write a synthetic corpus: DGA-style families and benign-looking names (CSV), or with --kind txt the TXT answers of 10 tunnel tools and real-looking zone records (JSON Lines)",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "kind", Value: "dga", Usage: "dga or txt"},
			&ucli.IntFlag{Name: "rows", Value: 40000, Usage: "number of rows (txt: per family)"},
			&ucli.Uint64Flag{Name: "seed", Value: 1, Usage: "generator seed (same seed, same file)"},
			&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "CSV file to write (domain,label,family)"},
		},
		Action: func(c *ucli.Context) error {
			n := c.Int("rows")
			if n <= 0 {
				return usagef("dataset generate: --rows %d: want a positive number", n)
			}
			var rows []datasets.Row
			switch kind := c.String("kind"); kind {
			case "dga":
				rows = datasets.GenerateDemo(c.Uint64("seed"), n)
			case "txt":
				return writeTXTCorpus(c, c.Uint64("seed"), n)
			default:
				return usagef("dataset generate: --kind %s: want dga or txt", kind)
			}
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

// writeTXTCorpus writes n records of every txtgen family as JSON Lines
// {"txt","label","family"} for `dataset ingest --kind txt`: the tunnel
// tools' answers (label 1) and the benign zone record kinds (label 0).
// Records that are not UTF-8 (iodine's raw codecs) are left out: ingest
// refuses them.
func writeTXTCorpus(c *ucli.Context, seed uint64, n int) error {
	f, err := os.Create(c.String("output"))
	if err != nil {
		return fmt.Errorf("dataset generate: %w", err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	written, left := 0, 0
	for i, fam := range txtgen.All() {
		for _, r := range fam.Generate(seed+uint64(i), n) {
			if !utf8.ValidString(r.Text) {
				left++
				continue
			}
			if err := enc.Encode(map[string]any{"txt": r.Text, "label": r.Label, "family": r.Family}); err != nil {
				f.Close()
				return fmt.Errorf("dataset generate: %w", err)
			}
			written++
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("dataset generate: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("dataset generate: %w", err)
	}
	fmt.Fprintf(c.App.ErrWriter, "wrote %d TXT records of %d families to %s (%d not UTF-8 left out)\n", written, len(txtgen.All()), c.String("output"), left)
	return nil
}
