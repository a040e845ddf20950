package cli

import (
	"fmt"

	"github.com/mlctl/mlctl"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/flow"
	"github.com/mlctl/mlctl/registry"
)

// ingestFlows reads Zeek conn logs or flow-analyzer flow CSVs into a flow
// dataset: one row per source IP and 10 s window, with the flow feature
// set's values (each also over the 5-minute window around it) and the
// window's label (malicious when any of its flows is, from Stratosphere's
// label columns; --label for windows without one).
func ingestFlows(c *ucli.Context, name string) error {
	format := c.String("format")
	switch format {
	case "auto", "zeek", "jsonl", "csv":
	default:
		return usagef("dataset ingest --kind flow: --format %s: want auto, zeek, jsonl or csv", format)
	}
	unlabeled, err := unlabeledOf(c)
	if err != nil {
		return err
	}
	recs, bad, files, lines, err := readFiles(c, func(f *inputFile) ([]datasets.ConnRecord, []datasets.BadRow, error) {
		return datasets.ReadFlowsFrom(f, f.Name, format)
	})
	if err != nil {
		return err
	}
	if err := reportBad(c, name, bad, lines); err != nil {
		return err
	}
	set := flow.DefaultWindowSet()
	units, err := flow.Windows(recs, flow.WindowsConfig{Set: set})
	if err != nil {
		return mlctl.Errorf(mlctl.EINVALID, "ingest of %s: %v", name, err)
	}
	if len(units) == 0 {
		return mlctl.Errorf(mlctl.EINVALID, "ingest of %s: no flows in %s", name, fileList(c))
	}
	rows := make([]datasets.VectorRow, len(units))
	for i, u := range units {
		label := u.Label
		if label < 0 {
			label = unlabeled
		}
		rows[i] = datasets.VectorRow{Key: u.Input(), Label: label, Family: u.Family, Values: u.Values}
	}
	cols := set.Names()
	return storeVectors(c, registry.NewDataset{Name: name, Kind: "flow", Columns: cols, Vectors: rows, SourceFiles: files}, lines, bad,
		fmt.Sprintf("%d flows into %d source windows of %d features", len(recs), len(rows), len(cols)))
}

// unlabeledOf reads --label: the label of rows (windows) without one, -1
// (unknown) when not given.
func unlabeledOf(c *ucli.Context) (int, error) {
	s := c.String("label")
	if s == "" {
		return -1, nil
	}
	l, ok := datasets.ParseLabel(s)
	if !ok {
		return 0, usagef("dataset ingest: --label %q: want 0 (benign) or 1 (malicious)", s)
	}
	return l, nil
}

// readFiles reads every --file with read, gathering the records, the bad
// rows, each file's provenance and the lines read in all.
func readFiles[R any](c *ucli.Context, read func(f *inputFile) ([]R, []datasets.BadRow, error)) (recs []R, bad []datasets.BadRow, files []registry.SourceFile, lines int, err error) {
	for _, path := range c.StringSlice("file") {
		file, err := withInput(c, path, func(f *inputFile) (registry.SourceFile, error) {
			r, b, err := read(f)
			if err != nil {
				return registry.SourceFile{}, err
			}
			sum, err := f.Sum()
			if err != nil {
				return registry.SourceFile{}, err
			}
			recs, bad = append(recs, r...), append(bad, b...)
			lines += len(r) + len(b)
			return registry.SourceFile{Path: f.Name, SHA256: sum, Lines: len(r) + len(b), Rows: len(r), Bad: len(b)}, nil
		})
		if err != nil {
			return nil, nil, nil, 0, err
		}
		files = append(files, file)
	}
	return recs, bad, files, lines, nil
}

// reportBad prints the first bad lines and fails above --max-bad-fraction.
func reportBad(c *ucli.Context, name string, bad []datasets.BadRow, lines int) error {
	maxBad := c.Float64("max-bad-fraction")
	if maxBad < 0 || maxBad > 1 {
		return usagef("dataset ingest: --max-bad-fraction %v: want a fraction between 0 and 1", maxBad)
	}
	if len(bad) == 0 {
		return nil
	}
	first := bad[:min(5, len(bad))]
	fmt.Fprintf(c.App.ErrWriter, "%d bad lines of %d (%.2f%%):\n", len(bad), lines, 100*fraction(len(bad), lines))
	for _, b := range first {
		fmt.Fprintf(c.App.ErrWriter, "  %s\n", b)
	}
	if len(bad) > len(first) {
		fmt.Fprintf(c.App.ErrWriter, "  … and %d more\n", len(bad)-len(first))
	}
	if f := fraction(len(bad), lines); f > maxBad {
		return mlctl.Errorf(mlctl.EINVALID, "ingest of %s aborted: %d of %d lines are bad (%.2f%% > --max-bad-fraction %.2f%%); first: %s",
			name, len(bad), lines, 100*f, 100*maxBad, first[0])
	}
	return nil
}

// storeVectors stores a flow or tabular dataset and reports it; summary
// describes a new version ("5 rows of 3 columns").
func storeVectors(c *ucli.Context, in registry.NewDataset, lines int, bad []datasets.BadRow, summary string) error {
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(c.Context); err != nil {
		return err
	}
	in.SHA256, in.BadRows = datasets.VectorHash(in.Columns, in.Vectors), len(bad)
	d, created, err := db.CreateDataset(c.Context, in)
	if err != nil {
		return err
	}
	first := bad[:min(5, len(bad))]
	if c.Bool("json") {
		return printJSON(c.App.Writer, ingestReport{Dataset: d, Created: created, Lines: lines, BadCount: len(bad), FirstBad: first})
	}
	w := c.App.Writer
	if created {
		fmt.Fprintf(w, "ingested %s: %s (%d bad lines)\n", d.Ref(), summary, len(bad))
	} else {
		fmt.Fprintf(w, "unchanged: identical content is already %s (%d rows); no new version\n", d.Ref(), d.Rows)
	}
	printDataset(w, d)
	return nil
}
