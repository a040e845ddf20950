package serving

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	dnstap "github.com/dnstap/golang-dnstap"
	framestream "github.com/farsightsec/golang-framestream"

	"github.com/mlctl/mlctl/datasets"
)

// ReadDNSLog reads a whole Zeek dns.log (TSV or JSON lines) with the parser
// the scorer follows logs with, so ingest and serving read alike. Lines
// that do not parse are returned as bad rows (file, line, field); a file
// that is not a dns.log (TSV without a query column) is an error.
func ReadDNSLog(path string) ([]datasets.DNSRecord, []datasets.BadRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	return ReadDNSLogFrom(f, path)
}

// ReadDNSLogFrom is ReadDNSLog on an open stream (standard input, say);
// path names it in bad rows and errors.
func ReadDNSLogFrom(f io.Reader, path string) ([]datasets.DNSRecord, []datasets.BadRow, error) {
	p := newZeekDNSParser(path)
	var recs []datasets.DNSRecord
	var bad []datasets.BadRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		q, ok, err := p.parse(sc.Text(), n)
		var fe *zeekDNSFormatError
		var le *LineError
		switch {
		case errors.As(err, &fe):
			return nil, nil, fe
		case errors.As(err, &le):
			bad = append(bad, datasets.BadRow{File: le.File, Line: le.Line, Field: fieldOr(le.Field), Reason: le.Reason})
		case err != nil:
			return nil, nil, err
		case ok:
			recs = append(recs, q.Record())
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("read %s: line %d: %w", path, n+1, err)
	}
	return recs, bad, nil
}

func fieldOr(f string) string {
	if f == "" {
		return "line"
	}
	return f
}

// ReadDnstapFile reads a dnstap capture (a unidirectional Frame Streams
// file, as `dnstap -w` and unbound's dnstap-log-file write; one cut off
// without its STOP frame is read to its end) with the decoder the scorer
// receives dnstap with: its client queries and responses, in file order.
// A frame that does not decode is a bad row naming its number.
func ReadDnstapFile(path string) ([]datasets.DNSRecord, []datasets.BadRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	return ReadDnstapFrom(f, path)
}

// ReadDnstapFrom is ReadDnstapFile on an open stream (standard input,
// say); path names it in bad rows and errors.
func ReadDnstapFrom(f io.Reader, path string) ([]datasets.DNSRecord, []datasets.BadRow, error) {
	fr, err := framestream.NewReader(f, &framestream.ReaderOptions{ContentTypes: [][]byte{dnstap.FSContentType}})
	if err != nil {
		return nil, nil, fmt.Errorf("dnstap capture %s: %w", path, err)
	}
	buf := make([]byte, dnstapMaxFrame)
	var recs []datasets.DNSRecord
	var bad []datasets.BadRow
	now := func() time.Time { return time.Time{} }
	for frame := 1; ; frame++ {
		n, err := fr.ReadFrame(buf)
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return recs, bad, nil
		}
		if errors.Is(err, framestream.ErrDataFrameTooLarge) {
			bad = append(bad, datasets.BadRow{File: path, Line: frame, Field: "frame", Reason: fmt.Sprintf("data frame over %d bytes", dnstapMaxFrame)})
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("dnstap capture %s: frame %d: %w", path, frame, err)
		}
		q, ok, reason := decodeDnstap(buf[:n], now)
		switch {
		case reason != "":
			bad = append(bad, datasets.BadRow{File: path, Line: frame, Field: "frame", Reason: reason})
		case ok && !q.Time.IsZero():
			recs = append(recs, q.Record())
		case ok:
			bad = append(bad, datasets.BadRow{File: path, Line: frame, Field: "time", Reason: "message without a query or response time"})
		}
	}
}
