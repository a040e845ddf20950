package cli

import (
	"bytes"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/serving"
)

// readDNSRecords reads a Zeek dns.log (TSV or JSON lines), a dnstap
// capture (Frame Streams) or a DNS server's log (format: a dnslog preset
// or format file) into DNS records; format auto tells the first two apart
// by the capture's leading escape (four zero bytes), peeked so that
// standard input works too.
func readDNSRecords(f *inputFile, format string) ([]datasets.DNSRecord, []datasets.BadRow, error) {
	if lf, err := logFormatOf("read "+f.Name, format); err != nil || lf != nil {
		if err != nil {
			return nil, nil, err
		}
		var recs []datasets.DNSRecord
		var bad []datasets.BadRow
		err := lf.ScanDNSLog(f, f.Name, func(r datasets.DNSRecord, _ int) { recs = append(recs, r) }, func(b datasets.BadRow) { bad = append(bad, b) })
		return recs, bad, err
	}
	if format == "auto" {
		format = "zeek"
		if bytes.Equal(f.Peek(4), []byte{0, 0, 0, 0}) {
			format = "dnstap"
		}
	}
	if format == "dnstap" {
		return serving.ReadDnstapFrom(f, f.Name)
	}
	return serving.ReadDNSLogFrom(f, f.Name)
}
