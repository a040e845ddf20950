package cli

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlctl/mlctl"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
)

// ingestTabular reads CSV/TSV/JSONL files of numeric columns (the bot detector's
// per-client aggregates are one such table) into a tabular dataset: one row
// per usable line, keyed by the key columns (or file:line), with its label
// (-1 when unknown) and family.
func ingestTabular(c *ucli.Context, name string) error {
	opt := datasets.TabularOptions{Format: c.String("format"), LabelColumn: c.String("label-column"),
		FamilyColumn: c.String("family-column"), KeyColumns: c.StringSlice("key-column"), IgnoreColumns: c.StringSlice("ignore-column"),
		BaselineColumn: c.String("baseline-column")}
	if s := c.String("label"); s != "" {
		l, ok := datasets.ParseLabel(s)
		if !ok {
			return usagef("dataset ingest: --label %q: want 0 (benign) or 1 (malicious)", s)
		}
		opt.Label = &l
	}
	var cols []string
	var rows []datasets.VectorRow
	var bad []datasets.BadRow
	var files []registry.SourceFile
	lines := 0
	for _, path := range c.StringSlice("file") {
		var sum string
		t, err := withInput(c, path, func(f *inputFile) (*datasets.Table, error) {
			t, err := datasets.ReadTabularFrom(f, f.Name, opt)
			if err != nil {
				return nil, err
			}
			sum, err = f.Sum()
			return t, err
		})
		if err != nil {
			return err
		}
		path = t.File
		fileCols, err := tabularColumns(t)
		if err != nil {
			return err
		}
		if cols == nil {
			cols = fileCols
		} else if !slices.Equal(cols, fileCols) {
			return usagef("dataset ingest: %s has columns %s, %s had %s; one dataset needs the same columns", path,
				strings.Join(fileCols, ","), inputName(c.StringSlice("file")[0]), strings.Join(cols, ","))
		}
		for i, v := range t.Values {
			key := fmt.Sprintf("%s:%d", filepath.Base(path), t.Lines[i])
			if t.Keys != nil {
				key = t.Keys[i]
			}
			family := ""
			if t.Families != nil {
				family = t.Families[i]
			}
			if t.Baseline != nil {
				b := 0.0
				if t.Baseline[i] {
					b = 1
				}
				v = append(v, b)
			}
			rows = append(rows, datasets.VectorRow{Key: key, Label: t.Labels[i], Family: family, Values: v})
		}
		bad = append(bad, t.Bad...)
		lines += len(t.Values) + len(t.Bad)
		files = append(files, registry.SourceFile{Path: path, SHA256: sum, Lines: len(t.Values) + len(t.Bad), Rows: len(t.Values), Bad: len(t.Bad)})
	}
	if err := reportBad(c, name, bad, lines); err != nil {
		return err
	}
	if len(rows) == 0 {
		return mlctl.Errorf(mlctl.EINVALID, "ingest of %s: no usable rows in %s", name, fileList(c))
	}
	return storeVectors(c, registry.NewDataset{Name: name, Kind: "tabular", Columns: cols, Vectors: rows, SourceFiles: files}, lines, bad,
		fmt.Sprintf("%d rows of %d columns", len(rows), len(cols)))
}

// tabularColumns are the dataset columns of a table: its features, then
// its baseline marks (1 or 0) as the column named datasets.BaselineColumn,
// which training never takes as a feature.
func tabularColumns(t *datasets.Table) ([]string, error) {
	if t.Baseline == nil {
		return t.Columns, nil
	}
	if slices.Contains(t.Columns, datasets.BaselineColumn) {
		return nil, usagef("dataset ingest: %s has a feature column named %q besides its baseline column; rename it or ignore it with --ignore-column", t.File, datasets.BaselineColumn)
	}
	return append(slices.Clone(t.Columns), datasets.BaselineColumn), nil
}
