package cli

import (
	"bytes"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/serving"
)

// readDNSRecords reads a Zeek dns.log (TSV or JSON lines) or a dnstap
// capture (Frame Streams) into DNS records; format auto tells them apart
// by the capture's leading escape (four zero bytes), peeked so that
// standard input works too.
func readDNSRecords(f *inputFile, format string) ([]datasets.DNSRecord, []datasets.BadRow, error) {
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
