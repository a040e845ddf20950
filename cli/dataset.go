package cli

import (
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/mlctl/mlctl"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/ingest"
	"github.com/mlctl/mlctl/registry"
)

func datasetCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "dataset",
		Usage: "ingest, list and show labeled datasets",
		Subcommands: []*ucli.Command{
			datasetGenerateCommand(),
			{
				Name:      "ingest",
				Usage:     "read files into a new, immutable dataset version",
				ArgsUsage: "NAME",
				Flags: []ucli.Flag{
					&ucli.StringFlag{Name: "kind", Required: true, Usage: "dga (names), txt (TXT records: a table's txt column or a Zeek dns.log's TXT answers), flow (Zeek conn.log or flow-analyzer CSV, windows per source IP), dns-domain (Zeek dns.log or dnstap captures, windows per registrable domain) or tabular (numeric columns)"},
					&ucli.StringSliceFlag{Name: "malicious-domain", Usage: "dns-domain: a domain whose windows (its own and every name's under it) are malicious (repeatable; --family names the tool)"},
					&ucli.StringFlag{Name: "label-file", Usage: "dns-domain: a file of domains, one a line, each optionally with its label (0/1) and family after a comma or tab"},
					&ucli.StringSliceFlag{Name: "file", Required: true, Usage: "input file (repeatable)"},
					&ucli.StringFlag{Name: "format", Value: "auto", Usage: "auto|list|csv|tsv|rank|jsonl|zeek (flow: auto|zeek|jsonl|csv; dns-domain: auto|zeek|jsonl|dnstap); dga, txt and dns-domain also read " + logFormatsUsage()},
					&ucli.StringFlag{Name: "label", Usage: "label of every row in files without a label column (flow: of windows without labeled flows): 0 (benign) or 1 (malicious)"},
					&ucli.StringFlag{Name: "label-column", Usage: "label column name (default label)"},
					&ucli.StringFlag{Name: "family", Usage: "family (or benign source) of rows without one"},
					&ucli.StringFlag{Name: "family-column", Usage: "family column name (default family)"},
					&ucli.StringFlag{Name: "domain-column", Usage: "domain column name (default domain, name or query)"},
					&ucli.StringFlag{Name: "txt-column", Usage: "txt: the TXT record column (default txt, text, record or a dns.log's answers of TXT queries); a number N reads a headerless CSV/TSV's Nth column"},
					&ucli.StringSliceFlag{Name: "key-column", Usage: "tabular: a column that identifies a row (repeatable; default key, ip, src_ip or client)"},
					&ucli.StringSliceFlag{Name: "ignore-column", Usage: "tabular: a column that is neither a feature nor a key (repeatable)"},
					&ucli.StringFlag{Name: "baseline-column", Usage: "tabular: the column (1/0, true/false) that marks the bot detector's baseline rows, which an isolation forest trains on (default baseline)"},
					&ucli.Float64Flag{Name: "max-bad-fraction", Value: 0.01, Usage: "abort when more than this fraction of lines is bad"},
					&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"},
				},
				Action: datasetIngest,
			},
			{
				Name:   "list",
				Usage:  "list dataset versions",
				Flags:  []ucli.Flag{&ucli.BoolFlag{Name: "json", Usage: "print JSON lines"}},
				Action: datasetList,
			},
			{
				Name:      "show",
				Usage:     "show one dataset version (newest when no @V)",
				ArgsUsage: "NAME[@V]",
				Flags:     []ucli.Flag{&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"}},
				Action:    datasetShow,
			},
		},
	}
}

// ingestReport is what `dataset ingest --json` prints.
type ingestReport struct {
	*registry.Dataset
	Created    bool              `json:"created"`
	Lines      int               `json:"lines"`
	BadCount   int               `json:"bad"`
	Duplicates int               `json:"duplicates"`
	Skipped    int               `json:"skipped,omitempty"`
	FirstBad   []datasets.BadRow `json:"first_bad,omitempty"`
}

func datasetIngest(c *ucli.Context) error {
	if c.NArg() != 1 {
		return usagef("dataset ingest: want exactly one NAME, got %d arguments", c.NArg())
	}
	name := c.Args().First()
	if err := checkName("dataset ingest", "NAME", "dataset", name); err != nil {
		return err
	}
	var input *datasets.Input
	switch kind := c.String("kind"); kind {
	case "dga":
	case "txt":
		input = datasets.TXTRecords
	case "flow":
		return ingestFlows(c, name)
	case "dns-domain":
		return ingestDomains(c, name)
	case "tabular":
		return ingestTabular(c, name)
	default:
		return usagef("dataset ingest: --kind %s: want dga, txt, flow, dns-domain or tabular", kind)
	}
	column := c.String("domain-column")
	if input != nil {
		column = c.String("txt-column")
	}
	log, err := logFormatOf("dataset ingest", c.String("format"))
	if err != nil {
		return err
	}
	opt := datasets.ReadOptions{
		Input: input, Format: c.String("format"), LabelColumn: c.String("label-column"), Family: c.String("family"),
		FamilyColumn: c.String("family-column"), Column: column, Log: asDNSLog(log),
	}
	if s := c.String("label"); s != "" {
		l, ok := datasets.ParseLabel(s)
		if !ok {
			return usagef("dataset ingest: --label %q: want 0 (benign) or 1 (malicious)", s)
		}
		opt.Label = &l
	}
	maxBad := c.Float64("max-bad-fraction")
	if maxBad < 0 || maxBad > 1 {
		return usagef("dataset ingest: --max-bad-fraction %v: want a fraction between 0 and 1", maxBad)
	}
	var b ingest.Batch
	for _, path := range c.StringSlice("file") {
		_, err := withInput(c, path, func(f *inputFile) (struct{}, error) {
			r, err := datasets.ReadDGAFrom(f, f.Name, opt)
			if err != nil {
				return struct{}{}, err
			}
			sum, err := f.Sum()
			if err != nil {
				return struct{}{}, err
			}
			b.AddRead(r, f.Name, sum)
			return struct{}{}, nil
		})
		if err != nil {
			return err
		}
	}
	rows, bad, dups := b.Merge()
	lines, skipped := b.Lines, b.Skipped
	stderr := c.App.ErrWriter
	first := bad
	if len(first) > 5 {
		first = first[:5]
	}
	if len(bad) > 0 {
		fmt.Fprintf(stderr, "%d bad rows of %d lines (%.2f%%):\n", len(bad), lines, 100*fraction(len(bad), lines))
		for _, b := range first {
			fmt.Fprintf(stderr, "  %s\n", b)
		}
		if len(bad) > len(first) {
			fmt.Fprintf(stderr, "  … and %d more\n", len(bad)-len(first))
		}
	}
	if f := fraction(len(bad), lines); f > maxBad {
		return mlctl.Errorf(mlctl.EINVALID, "ingest of %s aborted: %d of %d lines are bad (%.2f%% > --max-bad-fraction %.2f%%); first: %s",
			name, len(bad), lines, 100*f, 100*maxBad, first[0])
	}
	if len(rows) == 0 {
		return mlctl.Errorf(mlctl.EINVALID, "ingest of %s: no usable rows in %s", name, fileList(c))
	}
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(c.Context); err != nil {
		return err
	}
	d, created, err := db.CreateDataset(c.Context, registry.NewDataset{
		Name: name, Kind: c.String("kind"), SHA256: datasets.Hash(rows), Rows: rows, SourceFiles: b.Sources, BadRows: len(bad),
	})
	if err != nil {
		return err
	}
	rep := ingestReport{Dataset: d, Created: created, Lines: lines, BadCount: len(bad), Duplicates: dups, Skipped: skipped, FirstBad: first}
	if c.Bool("json") {
		return printJSON(c.App.Writer, rep)
	}
	w := c.App.Writer
	if created {
		fmt.Fprintf(w, "ingested %s: %d rows (%d lines, %d bad, %d duplicates", d.Ref(), d.Rows, lines, len(bad), dups)
		if skipped > 0 {
			fmt.Fprintf(w, ", %d skipped: queries of another type or without answers", skipped)
		}
		fmt.Fprintln(w, ")")
	} else {
		fmt.Fprintf(w, "unchanged: identical content is already %s (%d rows); no new version\n", d.Ref(), d.Rows)
	}
	printDataset(w, d)
	return nil
}

func fraction(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func datasetList(c *ucli.Context) error {
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	ds, err := db.Datasets(c.Context)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		for _, d := range ds {
			if err := printJSON(c.App.Writer, d); err != nil {
				return err
			}
		}
		return nil
	}
	var rows [][]string
	for _, d := range ds {
		rows = append(rows, []string{d.Ref(), d.Kind, strconv.FormatInt(d.Rows, 10),
			strconv.Itoa(d.LabelCounts["0"]), strconv.Itoa(d.LabelCounts["1"]), strconv.Itoa(len(d.FamilyCounts)),
			d.SHA256[:12], d.CreatedAt.Local().Format("2006-01-02 15:04")})
	}
	table(c.App.Writer, []string{"DATASET", "KIND", "ROWS", "BENIGN", "MALICIOUS", "FAMILIES", "SHA256", "CREATED"}, rows)
	return nil
}

func datasetShow(c *ucli.Context) error {
	if c.NArg() != 1 {
		return usagef("dataset show: want NAME[@V]")
	}
	name, version, err := mlctl.ParseRef(c.Args().First())
	if err != nil {
		return usagef("dataset show: %v", err)
	}
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	d, err := db.Dataset(c.Context, name, version)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, d)
	}
	printDataset(c.App.Writer, d)
	return nil
}

func printDataset(w io.Writer, d *registry.Dataset) {
	fmt.Fprintf(w, "dataset   %s (kind %s)\nsha256    %s\nrows      %d (benign %d, malicious %d), %d bad rows at ingest\ncreated   %s\n",
		d.Ref(), d.Kind, d.SHA256, d.Rows, d.LabelCounts["0"], d.LabelCounts["1"], d.BadRows, d.CreatedAt.Local().Format("2006-01-02 15:04:05"))
	fmt.Fprintln(w, "sources:")
	for _, f := range d.SourceFiles {
		fmt.Fprintf(w, "  %s  sha256 %s  %d lines, %d rows, %d bad, %d duplicates\n", f.Path, f.SHA256[:12], f.Lines, f.Rows, f.Bad, f.Duplicates)
	}
	if len(d.FamilyCounts) > 0 {
		fams := make([]string, 0, len(d.FamilyCounts))
		for f := range d.FamilyCounts {
			fams = append(fams, f)
		}
		sort.Strings(fams)
		fmt.Fprintf(w, "families (%d):", len(fams))
		for i, f := range fams {
			if i%6 == 0 {
				fmt.Fprint(w, "\n ")
			}
			label := f
			if label == "" {
				label = "(none)"
			}
			fmt.Fprintf(w, " %s=%d", label, d.FamilyCounts[f])
		}
		fmt.Fprintln(w)
	}
}
