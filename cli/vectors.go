package cli

import (
	"fmt"
	"path/filepath"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/dnsdomain"
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
	// domains are the domain windows behind them (kind dns-domain only).
	domains []dnsdomain.Unit
}

// readVectorInputs reads a file of the kind as ingest reads it (flow: Zeek
// conn.log or flow-analyzer CSV, windowed per source IP; tabular: numeric
// columns). Bad lines are reported on stderr with file:line and skipped.
func readVectorInputs(c *ucli.Context, kind, path, format string) (*vectorInputs, error) {
	switch kind {
	case "flow":
		recs, bad, err := readInputRecords(c, path, func(f *inputFile) ([]datasets.ConnRecord, []datasets.BadRow, error) {
			return datasets.ReadFlowsFrom(f, f.Name, format)
		})
		if err != nil {
			return nil, err
		}
		reportSkipped(c, bad)
		if len(recs) == 0 {
			return nil, fmt.Errorf("%s: no flows in %d lines; a flow model scores a Zeek conn.log (TSV or JSON) or the flow analyzer's flow CSV", inputName(path), len(bad))
		}
		set := flow.DefaultWindowSet()
		units, err := flow.Windows(recs, flow.WindowsConfig{Set: set})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", inputName(path), err)
		}
		in := &vectorInputs{columns: set.Names(), units: units, keys: make([]string, len(units)), vectors: make([][]float64, len(units))}
		for i, u := range units {
			in.keys[i], in.vectors[i] = u.Input(), u.Values
		}
		return in, nil
	case "dns-domain":
		recs, bad, err := readInputRecords(c, path, func(f *inputFile) ([]datasets.DNSRecord, []datasets.BadRow, error) {
			return readDNSRecords(f, format)
		})
		if err != nil {
			return nil, err
		}
		reportSkipped(c, bad)
		units, _, err := dnsdomain.Windows(recs, dnsdomain.Config{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", inputName(path), err)
		}
		if len(units) == 0 {
			return nil, fmt.Errorf("%s: no queries with a registrable domain in %d records (%d bad lines); a dns-domain model scores a Zeek dns.log, a dnstap capture or a DNS server's log (--format %s)", inputName(path), len(recs), len(bad), logFormatsUsage())
		}
		in := &vectorInputs{columns: dnsdomain.Names(), domains: units, keys: make([]string, len(units)), vectors: make([][]float64, len(units))}
		for i, u := range units {
			in.keys[i], in.vectors[i] = u.Input(), u.Values
		}
		return in, nil
	case "tabular":
		t, err := withInput(c, path, func(f *inputFile) (*datasets.Table, error) {
			return datasets.ReadTabularFrom(f, f.Name, datasets.TabularOptions{Format: format,
				KeyColumns: c.StringSlice("key-column"), IgnoreColumns: c.StringSlice("ignore-column")})
		})
		if err != nil {
			return nil, err
		}
		path = t.File
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
	return nil, usagef("--kind %s: want dga, flow, dns-domain or tabular", kind)
}

// readInputRecords reads the records of the file argument path with read.
func readInputRecords[R any](c *ucli.Context, path string, read func(f *inputFile) ([]R, []datasets.BadRow, error)) ([]R, []datasets.BadRow, error) {
	f, err := openInput(c, path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return read(f)
}

// window fills the window fields of input i's JSON line: a flow window's
// source, a domain window's domain and clients.
func (in *vectorInputs) window(i int, line *scoreLine) {
	switch {
	case in.units != nil:
		u := in.units[i]
		line.SrcIP, line.WindowStart, line.WindowSeconds = u.SrcIP.String(), u.WindowStart.UTC().Format(time.RFC3339Nano), u.WindowSeconds
	case in.domains != nil:
		u := in.domains[i]
		line.Domain, line.Clients, line.WindowStart, line.WindowSeconds = u.Domain, u.Clients, u.WindowStart.UTC().Format(time.RFC3339Nano), u.WindowSeconds
	}
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
