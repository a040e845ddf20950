package cli

import (
	"fmt"
	"path/filepath"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/flow"
)

// vectorInputs are what a flow or tabular model scores, read from a file:
// a conn.log's source windows, or a table's rows.
type vectorInputs struct {
	columns []string
	keys    []string
	vectors [][]float64
	// units are the flow windows behind the vectors (kind flow only).
	units []flow.Unit
}

// readVectorInputs reads a file of the kind as ingest reads it (flow: Zeek
// conn.log or flow-analyzer CSV, windowed per source IP; tabular: numeric
// columns). Bad lines are reported on stderr with file:line and skipped.
func readVectorInputs(c *ucli.Context, kind, path, format string) (*vectorInputs, error) {
	switch kind {
	case "flow":
		recs, bad, err := datasets.ReadFlows(path, format)
		if err != nil {
			return nil, err
		}
		reportSkipped(c, bad)
		if len(recs) == 0 {
			return nil, fmt.Errorf("%s: no flows in %d lines; a flow model scores a Zeek conn.log (TSV or JSON) or the flow analyzer's flow CSV", path, len(bad))
		}
		set := flow.DefaultWindowSet()
		units, err := flow.Windows(recs, flow.WindowsConfig{Set: set})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		in := &vectorInputs{columns: set.Names(), units: units, keys: make([]string, len(units)), vectors: make([][]float64, len(units))}
		for i, u := range units {
			in.keys[i], in.vectors[i] = u.Input(), u.Values
		}
		return in, nil
	case "tabular":
		t, err := datasets.ReadTabular(path, datasets.TabularOptions{Format: format,
			KeyColumns: c.StringSlice("key-column"), IgnoreColumns: c.StringSlice("ignore-column")})
		if err != nil {
			return nil, err
		}
		reportSkipped(c, t.Bad)
		if len(t.Values) == 0 {
			return nil, fmt.Errorf("%s: no usable rows in %d lines; a tabular model scores a CSV, TSV or JSON Lines table of numeric columns", path, len(t.Bad))
		}
		in := &vectorInputs{columns: t.Columns, vectors: t.Values, keys: t.Keys}
		if in.keys == nil {
			in.keys = make([]string, len(t.Values))
			for i := range t.Values {
				in.keys[i] = fmt.Sprintf("%s:%d", filepath.Base(path), t.Lines[i])
			}
		}
		return in, nil
	}
	return nil, usagef("--kind %s: want dga, flow or tabular", kind)
}

// window returns the flow window fields of input i for JSON output.
func (in *vectorInputs) window(i int) (src, start string, seconds int) {
	if in.units == nil {
		return "", "", 0
	}
	u := in.units[i]
	return u.SrcIP.String(), u.WindowStart.UTC().Format(time.RFC3339Nano), u.WindowSeconds
}

// reportSkipped prints the first bad lines of a file read for scoring.
func reportSkipped(c *ucli.Context, bad []datasets.BadRow) {
	for i, b := range bad {
		if i == 5 {
			fmt.Fprintf(c.App.ErrWriter, "  … and %d more bad lines\n", len(bad)-5)
			break
		}
		fmt.Fprintf(c.App.ErrWriter, "skipped %s\n", b)
	}
}
