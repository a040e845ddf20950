package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/datasets/dgagen"
	"github.com/mlctl/mlctl/datasets/tunnelgen"
	"github.com/mlctl/mlctl/datasets/txtgen"
)

func datasetGenerateCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "generate",
		Usage: "write a synthetic corpus: DGA-style families and benign-looking names (CSV); with --schemes, DGA names by generation scheme and benign variety; with --kind txt the TXT answers of 10 tunnel tools and real-looking zone records (JSON Lines)",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "schemes", Usage: "dga: write names of these generation schemes (comma-separated, or all; see --list-schemes) instead of the demo corpus"},
			&ucli.IntFlag{Name: "benign", Usage: "dga with --schemes: also this many benign names of the kinds popularity lists lack (enterprise, cloud, service)"},
			&ucli.IntFlag{Name: "family-size", Value: 50, Usage: "dga with --schemes: names per parameterisation (synthetic family)"},
			&ucli.BoolFlag{Name: "list-schemes", Usage: "print the DGA generation schemes and exit"},
			&ucli.BoolFlag{Name: "json", Usage: "with --list-schemes: JSON lines"},
			&ucli.StringFlag{Name: "kind", Value: "dga", Usage: "dga, txt or dns-domain (a labeled Zeek dns.log of a network: tunnel sessions of dnscat2, DNSExfiltrator, Cobalt Strike, Sliver and generic base32/hex exfiltration among benign look-alikes)"},
			&ucli.DurationFlag{Name: "duration", Value: time.Hour, Usage: "dns-domain: the log's length"},
			&ucli.StringFlag{Name: "tools", Value: "all", Usage: "dns-domain: tools with sessions (comma-separated, or all, or none)"},
			&ucli.IntFlag{Name: "sessions", Value: 4, Usage: "dns-domain: sessions per tool"},
			&ucli.IntFlag{Name: "rows", Value: 40000, Usage: "number of rows (txt: per family)"},
			&ucli.Uint64Flag{Name: "seed", Value: 1, Usage: "generator seed (same seed, same file)"},
			&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "CSV file to write (domain,label,family)"},
		},
		Action: func(c *ucli.Context) error {
			if c.Bool("list-schemes") {
				return listSchemes(c)
			}
			if c.String("output") == "" {
				return usagef("dataset generate: -o FILE is required")
			}
			n := c.Int("rows")
			if n <= 0 {
				return usagef("dataset generate: --rows %d: want a positive number", n)
			}
			var rows []datasets.Row
			switch kind := c.String("kind"); kind {
			case "dga":
				var err error
				if rows, err = dgaCorpus(c, n); err != nil {
					return err
				}
			case "txt":
				return writeTXTCorpus(c, c.Uint64("seed"), n)
			case "dns-domain":
				return writeDNSNetwork(c)
			default:
				return usagef("dataset generate: --kind %s: want dga, txt or dns-domain", kind)
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

// dgaCorpus is the demo corpus, or with --schemes the scheme generator's
// names (and --benign benign variety).
func dgaCorpus(c *ucli.Context, n int) ([]datasets.Row, error) {
	seed := c.Uint64("seed")
	if c.String("schemes") == "" {
		if c.IsSet("benign") || c.IsSet("family-size") {
			return nil, usagef("dataset generate: --benign and --family-size go with --schemes")
		}
		return datasets.GenerateDemo(seed, n), nil
	}
	var use []string
	if s := c.String("schemes"); s != "all" {
		use = strings.Split(s, ",")
	}
	if c.Int("family-size") <= 0 || c.Int("benign") < 0 {
		return nil, usagef("dataset generate: --family-size and --benign want positive counts")
	}
	rows, err := dgagen.Generate(seed, n, dgagen.Options{Schemes: use, FamilySize: c.Int("family-size")})
	if err != nil {
		return nil, usagef("dataset generate: --schemes: %v", err)
	}
	return append(rows, dgagen.GenerateBenign(seed, c.Int("benign"))...), nil
}

func listSchemes(c *ucli.Context) error {
	if c.Bool("json") {
		enc := json.NewEncoder(c.App.Writer)
		for _, s := range dgagen.Schemes() {
			if err := enc.Encode(map[string]string{"scheme": s.Name, "class": s.Class, "about": s.About}); err != nil {
				return err
			}
		}
		return nil
	}
	for _, s := range dgagen.Schemes() {
		fmt.Fprintf(c.App.Writer, "%-20s %-12s %s\n", s.Name, s.Class, s.About)
	}
	return nil
}

// writeDNSNetwork writes a labeled Zeek dns.log of a generated network.
func writeDNSNetwork(c *ucli.Context) error {
	n := tunnelgen.Network{Duration: c.Duration("duration"), SessionsPerTool: c.Int("sessions")}
	switch t := c.String("tools"); t {
	case "all":
	case "none":
		n.Tools = []string{}
	default:
		n.Tools = strings.Split(t, ",")
	}
	recs, err := n.Generate(rand.New(rand.NewPCG(c.Uint64("seed"), 0x7475)))
	if err != nil {
		return usagef("dataset generate: %v", err)
	}
	f, err := os.Create(c.String("output"))
	if err != nil {
		return fmt.Errorf("dataset generate: %w", err)
	}
	if err := datasets.WriteZeekDNS(f, recs, true); err != nil {
		f.Close()
		return fmt.Errorf("dataset generate: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("dataset generate: %w", err)
	}
	fmt.Fprintf(c.App.ErrWriter, "wrote %d queries (%s of a network) to %s\n", len(recs), n.Duration, c.String("output"))
	return nil
}
