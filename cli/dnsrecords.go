package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/serving"
)

// readDNSRecords reads a Zeek dns.log (TSV or JSON lines) or a dnstap
// capture (Frame Streams) into DNS records; format auto tells them apart
// by the capture's leading escape (four zero bytes).
func readDNSRecords(path, format string) ([]datasets.DNSRecord, []datasets.BadRow, error) {
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
