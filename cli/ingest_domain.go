package cli

import (
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/dnsdomain"
	"github.com/mlctl/mlctl/registry"
)

// ingestDomains reads Zeek dns.logs, dnstap captures or DNS server logs
// (--format with a dnslog preset or format file) into a dns-domain
// dataset: one row per registrable domain and window (60 s, every 30 s),
// with the dns-domain features and the window's label. Labels come, in
// this order, from --malicious-domain and --label-file (a domain and every
// name under it), from the log's label column (a window is malicious when
// any of its queries is), and from --label for the rest.
func ingestDomains(c *ucli.Context, name string) error {
	format := c.String("format")
	switch format {
	case "auto", "zeek", "jsonl", "dnstap":
	default:
		if f, err := logFormatOf("dataset ingest --kind dns-domain", format); err != nil || f == nil {
			if err != nil {
				return err
			}
			return usagef("dataset ingest --kind dns-domain: --format %s: want auto, zeek, jsonl, dnstap or %s", format, logFormatsUsage())
		}
	}
	labels, err := domainLabelsOf(c, "dataset ingest")
	if err != nil {
		return err
	}
	unlabeled, err := unlabeledOf(c)
	if err != nil {
		return err
	}
	recs, bad, files, lines, err := readFiles(c, func(f *inputFile) ([]datasets.DNSRecord, []datasets.BadRow, error) {
		return readDNSRecords(f, format)
	})
	if err != nil {
		return err
	}
	if err := reportBad(c, name, bad, lines); err != nil {
		return err
	}
	units, st, err := dnsdomain.Windows(recs, dnsdomain.Config{})
	if err != nil {
		return mlctl.Errorf(mlctl.EINVALID, "ingest of %s: %v", name, err)
	}
	if len(units) == 0 {
		return mlctl.Errorf(mlctl.EINVALID, "ingest of %s: no queries with a registrable domain in %s", name, fileList(c))
	}
	rows := make([]datasets.VectorRow, len(units))
	counts := [3]int{}
	for i, u := range units {
		label, family := unitLabel(u, labels, unlabeled, c.String("family"))
		counts[label+1]++
		rows[i] = datasets.VectorRow{Key: u.Input(), Label: label, Family: family, Values: u.Values}
	}
	cols := dnsdomain.Names()
	return storeVectors(c, registry.NewDataset{Name: name, Kind: string(mlctl.KindDNSDomain), Columns: cols, Vectors: rows, SourceFiles: files}, lines, bad,
		fmt.Sprintf("%d queries of %d domains into %d domain windows of %d features (%d malicious, %d benign, %d unlabeled; %d names without a registrable domain skipped)",
			st.Queries, distinctDomains(units), len(rows), len(cols), counts[2], counts[1], counts[0], st.Skipped))
}

// domainLabelsOf reads --malicious-domain and --label-file.
func domainLabelsOf(c *ucli.Context, cmd string) (*datasets.DomainLabels, error) {
	var l datasets.DomainLabels
	for _, d := range c.StringSlice("malicious-domain") {
		if !strings.Contains(strings.Trim(d, "."), ".") {
			return nil, usagef("%s: --malicious-domain %q: want a domain such as tunnel.example.com", cmd, d)
		}
		l.Add(d, 1, c.String("family"))
	}
	if f := c.String("label-file"); f != "" {
		if err := datasets.ReadDomainLabels(f, &l); err != nil {
			return nil, mlctl.Errorf(mlctl.EINVALID, "%s: %v", cmd, err)
		}
	}
	return &l, nil
}

// unitLabel is a domain window's label and family: a listed domain's,
// else its queries', else the default for unlabeled windows.
func unitLabel(u dnsdomain.Unit, labels *datasets.DomainLabels, unlabeled int, family string) (int, string) {
	if l, f, ok := labels.Lookup(u.Domain); ok {
		if f == "" && l == 1 {
			f = family
		}
		return l, f
	}
	if u.Label >= 0 {
		f := u.Family
		if f == "" && u.Label == 1 {
			f = family
		}
		return u.Label, f
	}
	if unlabeled == 1 {
		return 1, family
	}
	return unlabeled, ""
}

func distinctDomains(units []dnsdomain.Unit) int {
	seen := map[string]bool{}
	for _, u := range units {
		seen[u.Domain] = true
	}
	return len(seen)
}
