package datasets

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReadFlowCSVSeedFormat(t *testing.T) {
	recs, bad, err := ReadFlowCSV("testdata/flowcsv/seed003.good.csv")
	if err != nil || len(bad) != 0 {
		t.Fatalf("err %v bad %v", err, bad)
	}
	if len(recs) != 4 {
		t.Fatalf("%d records, want 4", len(recs))
	}
	// The flow analyzer's "%Y-%m-%d %H:%M:%S" wall-clock time, read as UTC; src_tx
	// and dst_tx are the bytes each side sent; no packets, no labels.
	want := ConnRecord{
		Time:  time.Date(2022, 6, 12, 22, 0, 1, 0, time.UTC),
		SrcIP: netip.MustParseAddr("10.0.0.1"), SrcPort: 50001,
		DstIP: netip.MustParseAddr("192.0.2.1"), DstPort: 443,
		Proto: "tcp", ConnState: "SF", OrigBytes: 100, RespBytes: 1000, Label: -1,
	}
	if recs[0] != want {
		t.Errorf("record 0:\n got %+v\nwant %+v", recs[0], want)
	}
	if r := recs[1]; r.Proto != "tcp" || r.ConnState != "S0" || r.DstPort != 81 {
		t.Errorf("upper-case proto: %+v", r)
	}
	if r := recs[2]; r.SrcIP != netip.MustParseAddr("2001:db8::1") || r.DstPort != 53 || r.Proto != "udp" {
		t.Errorf("IPv6 record: %+v", r)
	}
	// A fraction of a second is read; "-" and an empty cell are unset.
	if r := recs[3]; r.Time.Nanosecond() != 250000000 || r.OrigBytes != 0 || r.RespBytes != 0 || r.Proto != "icmp" || r.Label != -1 {
		t.Errorf("icmp record: %+v", r)
	}
}

func TestReadFlowCSVHeader(t *testing.T) {
	recs, bad, err := ReadFlowCSV("testdata/flowcsv/header.good.csv")
	if err != nil || len(bad) != 0 {
		t.Fatalf("err %v bad %v", err, bad)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	// Unix seconds, RFC 3339 and the flow analyzer's layout all read; labels as
	// in Stratosphere's conn logs.
	if r := recs[0]; !r.Time.Equal(time.Unix(1655071201, 500000000)) || r.Label != 1 || r.DetailedLabel != "PortScan" || r.Duration != time.Millisecond || r.ConnState != "REJ" {
		t.Errorf("record 0: %+v", r)
	}
	if r := recs[1]; !r.Time.Equal(time.Date(2022, 6, 12, 22, 0, 2, 0, time.UTC)) || r.Label != 0 || r.OrigBytes != 200 || r.Duration != 1500*time.Millisecond {
		t.Errorf("record 1: %+v", r)
	}
	if r := recs[2]; r.Label != -1 || r.DetailedLabel != "" || r.OrigBytes != 40 || r.Duration != 0 {
		t.Errorf("record 2 (Background, quoted count): %+v", r)
	}

	// The flow analyzer's own column names, in another order, with a column not read.
	recs, bad, err = ReadFlowCSV("testdata/flowcsv/seedcols.good.csv")
	if err != nil || len(bad) != 0 || len(recs) != 1 {
		t.Fatalf("seed names: %v %v %v", recs, bad, err)
	}
	if r := recs[0]; r.OrigBytes != 100 || r.RespBytes != 1000 || r.Proto != "tcp" || r.ConnState != "SF" || r.DstPort != 443 {
		t.Errorf("seed names: %+v", r)
	}

	_, _, err = ReadFlowCSV("testdata/flowcsv/nodstport.bad.csv")
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "no dst_port column") {
		t.Errorf("header without dst_port: %v", err)
	}
}

func TestReadFlowCSVBadRows(t *testing.T) {
	const file = "testdata/flowcsv/seed003.bad.csv"
	recs, bad, err := ReadFlowCSV(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Time.Second() != 1 || recs[1].Time.Second() != 11 {
		t.Errorf("records %+v", recs)
	}
	var got []string
	for _, b := range bad {
		got = append(got, b.String())
	}
	want := []string{
		file + `:2: ts: not a time (want YYYY-MM-DD HH:MM:SS, RFC 3339 or Unix seconds): "yesterday"`,
		file + `:3: src_ip: not an IP address: "10.0.0.999"`,
		file + `:4: dst_port: not a port (0-65535): "70000"`,
		file + `:5: src_bytes: not a count: "-100"`,
		file + `:6: line: 8 fields, want 9 (ts, proto, state, src_ip, src_port, dst_ip, dst_port, src_bytes, dst_bytes): "2022-06-12 22:00:06,tcp,SF,10.0.0.1,50001,192.0.2.1,443,100"`,
		file + `:7: line: 10 fields, want 9 (ts, proto, state, src_ip, src_port, dst_ip, dst_port, src_bytes, dst_bytes): "2022-06-12 22:00:07,tcp,SF,10.0.0.1,50001,192.0.2.1,443,100,1000…"`,
		file + `:8: line: unterminated quote: "2022-06-12 22:00:08,tcp,\"SF,10.0.0.1,50001,192.0.2.1,443,100,100…"`,
		file + `:9: src_ip: unset`,
		file + `:10: src_bytes: not a count: "12.5"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("bad rows:\n got %q\nwant %q", got, want)
	}
}

func TestFlowCSVParserLines(t *testing.T) {
	p := NewFlowCSVParser("live.csv")
	lines := []string{
		"ts,src_ip,src_port,dst_ip,dst_port,src_bytes",
		"2022-06-12 22:00:01,10.0.0.1,1,192.0.2.1,443,5",
		"# a comment",
		"2022-06-12 22:00:02,10.0.0.1,1,192.0.2.1,443",
	}
	var ok []bool
	for i, l := range lines {
		rec, got, err := p.Line(l, i+1)
		var le *ConnLineError
		if i == 3 {
			if !errors.As(err, &le) || le.Line != 4 || le.Field != "line" || le.File != "live.csv" {
				t.Errorf("line 4: %v", err)
			}
		} else if err != nil {
			t.Errorf("line %d: %v", i+1, err)
		}
		if got && rec.OrigBytes != 5 {
			t.Errorf("line %d: %+v", i+1, rec)
		}
		ok = append(ok, got)
	}
	if !slices.Equal(ok, []bool{false, true, false, false}) {
		t.Errorf("ok %v", ok)
	}
	// Line 1 starts a new file: headerless this time.
	rec, got, err := p.Line("2022-06-12 22:00:01,tcp,SF,10.0.0.1,50001,192.0.2.1,443,100,1000", 1)
	if err != nil || !got || rec.RespBytes != 1000 {
		t.Errorf("after reset: %+v %v %v", rec, got, err)
	}
}

func TestReadFlows(t *testing.T) {
	for _, c := range []struct {
		file, format string
		n            int
	}{
		{"testdata/conn/good.log", "auto", 6},
		{"testdata/conn/good.log", "zeek", 6},
		{"testdata/conn/good.jsonl", "", 4},
		{"testdata/conn/good.jsonl", "jsonl", 4},
		{"testdata/flowcsv/seed003.good.csv", "auto", 4},
		{"testdata/flowcsv/header.good.csv", "csv", 3},
	} {
		recs, bad, err := ReadFlows(c.file, c.format)
		if err != nil || len(bad) != 0 || len(recs) != c.n {
			t.Errorf("%s as %q: %d records, bad %v, err %v", c.file, c.format, len(recs), bad, err)
		}
	}
	// Sniffing skips a byte order mark and blank lines and keeps line
	// numbers.
	in := "\xef\xbb\xbf\n\n  \n2022-06-12 22:00:01,tcp,SF,10.0.0.1,1,192.0.2.1,443,1,2\nbad\n"
	recs, bad, err := ReadFlowsFrom(strings.NewReader(in), "x.csv", "auto")
	if err != nil || len(recs) != 1 || len(bad) != 1 || bad[0].Line != 5 {
		t.Errorf("sniffed csv: %v %v %v", recs, bad, err)
	}
	in = "\n" + `{"ts":1655071201.5,"id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"192.0.2.1","id.resp_p":443,"label":"Malicious"}` + "\n"
	recs, _, err = ReadFlowsFrom(strings.NewReader(in), "x.json", "auto")
	if err != nil || len(recs) != 1 || recs[0].Label != 1 {
		t.Errorf("sniffed json: %v %v", recs, err)
	}
	if recs, bad, err := ReadFlowsFrom(strings.NewReader(""), "empty", "auto"); err != nil || len(recs)+len(bad) != 0 {
		t.Errorf("empty input: %v %v %v", recs, bad, err)
	}
	var fe *FormatError
	if _, _, err := ReadFlows("testdata/flowcsv/seed003.good.csv", "parquet"); !errors.As(err, &fe) {
		t.Errorf("unknown format: %v", err)
	}
	if _, _, err := ReadFlows("testdata/flowcsv/missing.csv", "auto"); err == nil {
		t.Error("missing file read")
	}
}
