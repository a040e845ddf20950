package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/serving"
)

// readDNSRecords reads a Zeek dns.log (TSV or JSON lines), a dnstap
// capture (Frame Streams) or a DNS server's log (format: a dnslog preset
// or format file) into DNS records; format auto tells the first two apart
// by the capture's leading escape (four zero bytes).
func readDNSRecords(path, format string) ([]datasets.DNSRecord, []datasets.BadRow, error) {
	if f, err := logFormatOf("read "+path, format); err != nil || f != nil {
		if err != nil {
			return nil, nil, err
		}
		recs, bad, _, err := f.ReadFile(path)
		return recs, bad, err
	}
	if format == "auto" {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", path, err)
		}
		head := make([]byte, 4)
		n, _ := io.ReadFull(f, head)
		f.Close()
		format = "zeek"
		if n == 4 && bytes.Equal(head, []byte{0, 0, 0, 0}) {
			format = "dnstap"
		}
	}
	if format == "dnstap" {
		return serving.ReadDnstapFile(path)
	}
	return serving.ReadDNSLog(path)
}
