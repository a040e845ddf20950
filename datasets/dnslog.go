package datasets

import (
	"fmt"
	"io"
)

// DNSLog is the format of a DNS server's query log, as datasets/dnslog
// describes one (BIND, dnsmasq, CoreDNS, Windows DNS…). With
// ReadOptions.Log set, the readers take a dga file's names from the log's
// queries, and a txt file's records from the answers of its TXT queries.
type DNSLog interface {
	// LogName names the format in reports ("bind").
	LogName() string
	// ScanDNSLog reads the log r (file names it) and calls record with each
	// record and its line number, bad with each bad line.
	ScanDNSLog(r io.Reader, file string, record func(rec DNSRecord, line int), bad func(BadRow)) error
}

// readDNSLog reads a DNS server's query log with opt.Log: every query
// record (or, for TXT records, every answer of a TXT query's reply) is a
// data line; a reply of a name query, and a query of another type than
// TXT, is a skipped one.
func readDNSLog(r io.Reader, file string, opt ReadOptions, c *collector) (*Read, error) {
	c.read.Format = opt.Log.LogName()
	if opt.Label == nil {
		return nil, &FormatError{File: file, Reason: noLabelReason}
	}
	label, family := *opt.Label, normaliseFamily(opt.Family)
	txt := c.input != nil && c.input.ZeekQtype != ""
	err := opt.Log.ScanDNSLog(r, file, func(rec DNSRecord, n int) {
		c.read.Lines++
		switch {
		case !txt && rec.Response:
			c.read.Skipped++ // its name came with its query
		case !txt:
			addName(c, rec.Name, label, family, n)
		case rec.QType != c.input.ZeekQtype || len(rec.Answers) == 0:
			c.read.Skipped++ // another query type, or a TXT query without answers
		default:
			for i, a := range rec.Answers {
				if i > 0 {
					c.read.Lines++
				}
				addName(c, a, label, family, n)
			}
		}
	}, func(b BadRow) {
		c.read.Lines++
		c.read.Bad = append(c.read.Bad, b)
	})
	if err != nil {
		return nil, fmt.Errorf("read %s as a %s log: %w", file, opt.Log.LogName(), err)
	}
	c.finish()
	return c.read, nil
}
