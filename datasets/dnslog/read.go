package dnslog

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// LogName names the format in reports (datasets.DNSLog).
func (f *Format) LogName() string { return f.Name }

// ScanDNSLog reads a whole log from r, calling record with each record
// and its line number and bad with each bad line (datasets.DNSLog). When r
// is a file, its modification time is the reference time (see NewParser):
// a syslog time without a year takes the year before it, a line without a
// time the time itself; else the reference time is now.
func (f *Format) ScanDNSLog(r io.Reader, file string, record func(datasets.DNSRecord, int), bad func(datasets.BadRow)) error {
	_, err := f.scan(r, file, record, bad)
	return err
}

func (f *Format) scan(r io.Reader, file string, record func(datasets.DNSRecord, int), bad func(datasets.BadRow)) (Stats, error) {
	ref := time.Now()
	if fi, ok := r.(*os.File); ok {
		if st, err := fi.Stat(); err == nil {
			ref = st.ModTime()
		}
	}
	p := f.NewParser(file, func() time.Time { return ref })
	err := datasets.ReadLines(r, func(text []byte, n int, tooLong bool) {
		if tooLong {
			p.Stats.Lines++
			p.Stats.Bad++
			bad(datasets.BadRow{File: file, Line: n, Field: "line", Reason: fmt.Sprintf("line over %d bytes", datasets.MaxLineBytes), Value: shorten(string(text))})
			return
		}
		rec, ok, err := p.Parse(string(text), n)
		switch {
		case err != nil:
			bad(err.(*LineError).BadRow())
		case ok:
			record(rec, n)
		}
	})
	if err != nil {
		return p.Stats, fmt.Errorf("read %s: %w", file, err)
	}
	return p.Stats, nil
}

// ReadFile reads the log at path into records (queries, and the responses
// of reply lines, in file order) and its bad lines, with what the parser
// counted.
func (f *Format) ReadFile(path string) ([]datasets.DNSRecord, []datasets.BadRow, Stats, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, Stats{}, fmt.Errorf("read %s: %w", path, err)
	}
	defer fh.Close()
	var recs []datasets.DNSRecord
	var bad []datasets.BadRow
	st, err := f.scan(fh, path, func(r datasets.DNSRecord, _ int) { recs = append(recs, r) }, func(b datasets.BadRow) { bad = append(bad, b) })
	if err != nil {
		return nil, nil, st, err
	}
	return recs, bad, st, nil
}
