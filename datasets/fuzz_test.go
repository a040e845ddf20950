package datasets

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets of the dataset readers. Each is seeded with the
// package's testdata files of its format and with a few lines of the
// shared real corpora (../shared/data, see deploy/devenv.SharedData),
// copied below so that a clone without them seeds the same: `go test`
// runs the seeds as tests, `make fuzz` fuzzes each target in turn.

// Lines from the shared corpora, with their headers, cut to a handful.
const (
	// dga/baderj_generated.csv, first lines.
	sharedDGACSV = "source,family,domain\nbaderj,banjori,earnestnessbiophysicalohax.com\nbaderj,banjori,kwtoestnessbiophysicalohax.com\n"
	// benign/umbrella-top-100k.txt, first lines.
	sharedUmbrella = "google.com\ngstatic.com\nwww.google.com\n"
	// txt/zone_txt_records.tsv, first lines.
	sharedZoneTXT = "source\tname\ttxt\nhackclub\tbank.engineering\tv=spf1 include:spf.improvmx.com ~all\nhackclub\tbulckcah.com\tv=spf1 -all\n"
	// txt/dns2tcp_tunnel_txt.tsv, first lines (headerless ts, qname, txt).
	sharedTunnelTXT = "1795397221.045341000\tAAAAAMOeAA.=auth.tunnel.test\tAgLAAAMOeAEFTQkkyNzNQMFA2OEo5SlQ,\n1795397221.045610000\tgLBXxCgkAHNpbms.=connect.tunnel.test\tAgLBXxCgkAA,\n"
	// flows/stratosphere-010-zeek-mixed/data/dns.log.labeled, header
	// and first lines.
	sharedDNSLog = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n#open\t2022-06-17-00-00-07\n" +
		"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\tans_query\tlabel\tdetailedlabel\n" +
		"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool\tvector[string]\tstring\tstring\n" +
		"1655159382.670825\tC6cDXKqAZTGbOppsa\t131.159.25.7\t46791\t147.32.83.234\t53\tudp\t44557\twww.google.com\t1\tC_INTERNET\t1\tA\t-\t-\tF\tF\tT\tF\t0\t-\t-\tF\t-\tMalicious\tExternal-Attack-to-Device\n" +
		"1655161425.853405\tCBfpQr2AoY9UYWesTf\t129.250.206.86\t15052\t147.32.83.234\t53\tudp\t21482\tda691aa3.openresolverproject.org\t1\tC_INTERNET\t1\tA\t-\t-\tF\tF\tT\tF\t0\t-\t-\tF\t-\tMalicious\tExternal-Attack-to-Device\n"
	// The same log's TXT form, as Zeek writes a TXT query's answers.
	sharedDNSLogTXT = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n" +
		"#fields\tts\tuid\tid.orig_h\tquery\tqtype_name\trcode_name\tanswers\tlabel\n" +
		"1655159382.670825\tC6cDXKqAZTGbOppsa\t131.159.25.7\texample.com\tTXT\tNOERROR\tTXT 11 v=spf1 -all,TXT 3 abc TXT 2 de,alias.example.net\tBenign\n" +
		"1655159383.1\tC6cDXKqAZTGbOppsb\t131.159.25.7\twww.google.com\tA\tNOERROR\t142.250.1.1\tBenign\n"
	// flows/stratosphere-001-zeek-scenario-malicious/labeled-conn.log,
	// header and first lines.
	sharedConnLog = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t2017-03-08-13-47-04\n" +
		"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\tlabel\tdetailedlabel\n" +
		"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tstring\tstring\n" +
		"19.981745\tC91Ycq25p2quMWzEMk\tfd2d:ab8c:225:0:81d3:fd3e:7f62:aec8\t56464\tfd2d:ab8c:225::1\t53\tudp\tdns\t0.136721\t34\t50\tSF\tF\tF\t0\tDd\t1\t82\t1\t98\t(empty)\tBackground\t(empty)\n" +
		"20.119134\tCQo2cn402pnLXHMI\tfd2d:ab8c:225:0:81d3:fd3e:7f62:aec8\t64084\tfd2d:ab8c:225::1\t53\tudp\tdns\t0.008221\t34\t62\tSF\tF\tF\t0\tDd\t1\t82\t1\t110\t(empty)\tBackground\t(empty)\n"
	// flows/stratosphere-002-zeek-scenario-port-scanning/conn.log (Zeek
	// JSON), first lines.
	sharedConnJSON = `{"ts":1664462456.755299,"uid":"C5xhsO3uGtOfyrBlHh","id.orig_h":"172.16.1.11","id.orig_p":40042,"id.resp_h":"8.8.8.8","id.resp_p":53,"proto":"udp","service":"dns","duration":0.012166976928710938,"orig_bytes":0,"resp_bytes":111,"conn_state":"SHR","local_orig":true,"local_resp":false,"missed_bytes":0,"history":"Cd","orig_pkts":0,"orig_ip_bytes":0,"resp_pkts":1,"resp_ip_bytes":139}` + "\n" +
		`{"ts":1664463972.711412,"uid":"CG03th2rfWi0ctENra","id.orig_h":"172.16.1.11","id.orig_p":3,"id.resp_h":"172.16.1.30","id.resp_p":3,"proto":"icmp","conn_state":"OTH","local_orig":true,"local_resp":true,"missed_bytes":0,"orig_pkts":1,"orig_ip_bytes":56,"resp_pkts":0,"resp_ip_bytes":0}` + "\n"
	// dns/loopback-unbound/flows.csv (nfdump CSV), header and first line,
	// cut to the columns a flow CSV names.
	sharedFlowCSV = "ts,proto,state,src_ip,src_port,dst_ip,dst_port,src_bytes,dst_bytes\n2027-01-11 18:25:06,TCP,...A.R..,127.0.0.1,110,127.0.0.1,37376,40,0\n"
)

// addFiles adds every testdata file matching one of the glob patterns.
func addFiles(f *testing.F, patterns ...string) {
	f.Helper()
	for _, pat := range patterns {
		files, err := filepath.Glob(filepath.Join("testdata", pat))
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// addStrings adds each seed.
func addStrings(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
}

// inputLines are the lines of data as lineReader numbers them.
func inputLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	lines[0] = strings.TrimPrefix(lines[0], "\xef\xbb\xbf")
	return lines
}

// checkBad checks bad rows: each names the file, a line of the input and a
// field, says why, keeps its value short, and they come in line order.
func checkBad(t *testing.T, file string, lines int, bad []BadRow) {
	t.Helper()
	for i, b := range bad {
		if b.File != file || b.Line < 1 || b.Line > lines || b.Field == "" || b.Reason == "" {
			t.Fatalf("bad row %d names no line of the %d: %+v", i, lines, b)
		}
		if len(b.Value) > maxValueBytes+len("…") {
			t.Fatalf("bad row %d: value of %d bytes", i, len(b.Value))
		}
		if i > 0 && bad[i-1].Line > b.Line {
			t.Fatalf("bad rows out of line order: %d then %d", bad[i-1].Line, b.Line)
		}
	}
}

// checkRead checks what ReadDGAFrom gave for data: a *FormatError or a
// Read whose counts add up, whose rows are distinct, normalised inputs with
// a label and a line, and whose bad rows name lines of the input. Reading
// again gives the same.
func checkRead(t *testing.T, data []byte, file string, opt ReadOptions) *Read {
	t.Helper()
	r, err := ReadDGAFrom(bytes.NewReader(data), file, opt)
	if err != nil {
		var fe *FormatError
		if !errors.As(err, &fe) || fe.File != file || fe.Reason == "" {
			t.Fatalf("error is not a FormatError naming the file: %v", err)
		}
		return nil
	}
	lines := len(inputLines(data))
	if got := len(r.Rows) + r.Duplicates + len(r.Bad) + r.Skipped; got != r.Lines {
		t.Fatalf("%d rows + %d duplicates + %d bad + %d skipped = %d, but %d lines read", len(r.Rows), r.Duplicates, len(r.Bad), r.Skipped, got, r.Lines)
	}
	if opt.input().ZeekQtype == "" && r.Lines > lines {
		t.Fatalf("%d lines read from %d", r.Lines, lines)
	}
	if len(r.lines) != len(r.Rows) {
		t.Fatalf("%d line numbers for %d rows", len(r.lines), len(r.Rows))
	}
	norm := opt.input().Normalise
	seen := make(map[string]bool, len(r.Rows))
	for i, row := range r.Rows {
		if row.Name == "" || seen[row.Name] {
			t.Fatalf("row %d: empty or repeated name %q", i, row.Name)
		}
		seen[row.Name] = true
		if again, err := norm(row.Name); err != nil || again != row.Name {
			t.Fatalf("row %d: %q normalises again to %q, %v", i, row.Name, again, err)
		}
		if row.Label != 0 && row.Label != 1 {
			t.Fatalf("row %d: label %d", i, row.Label)
		}
		if n := r.lines[i]; n < 1 || n > lines || i > 0 && n < r.lines[i-1] {
			t.Fatalf("row %d: line %d of %d, after line %d", i, n, lines, r.lines[max(i-1, 0)])
		}
	}
	checkBad(t, file, lines, r.Bad)
	again, err := ReadDGAFrom(bytes.NewReader(data), file, opt)
	if err != nil || !reflect.DeepEqual(r, again) {
		t.Fatalf("a second read differs (%v)", err)
	}
	return r
}

// fuzzRead fuzzes ReadDGAFrom in one format, with a label for files
// without one when labeled is set.
func fuzzRead(f *testing.F, file, format string) {
	f.Fuzz(func(t *testing.T, data []byte, labeled bool) {
		opt := ReadOptions{Format: format}
		if labeled {
			one := 1
			opt.Label = &one
		}
		checkRead(t, data, file, opt)
	})
}

// addBoth adds each seed labeled and not.
func addBoth(f *testing.F, seeds [][]byte) {
	for _, s := range seeds {
		f.Add(s, true)
		f.Add(s, false)
	}
}

// seedsOf reads the testdata files matching the patterns and adds the
// literal seeds.
func seedsOf(t testing.TB, patterns []string, literal ...string) [][]byte {
	var out [][]byte
	for _, pat := range patterns {
		files, _ := filepath.Glob(filepath.Join("testdata", pat))
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
	}
	for _, s := range literal {
		out = append(out, []byte(s))
	}
	return out
}

// FuzzReadList: a list of names (one a line) reads to rows or bad rows
// naming their line, never a row whose name is empty or not normalised,
// and the counts add up (see checkRead).
func FuzzReadList(f *testing.F) {
	addBoth(f, seedsOf(f, []string{"list.*.txt"}, sharedUmbrella, "a.com\n\n# c\nA.COM.\nb..c\n"+strings.Repeat("x", 64)+".com\n"))
	fuzzRead(f, "names.txt", FormatList)
}

// FuzzReadCSV: a CSV with a header, or without one when its column is
// given by number, holds to checkRead's properties.
func FuzzReadCSV(f *testing.F) {
	seeds := seedsOf(f, []string{"*.csv"}, sharedDGACSV, "domain,label\n\"a,b.com\",1\nx.com,\"0\n")
	for _, s := range seeds {
		f.Add(s, true, uint8(0))
		f.Add(s, false, uint8(0))
		f.Add(s, true, uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, labeled bool, column uint8) {
		opt := ReadOptions{Format: FormatCSV}
		if labeled {
			zero := 0
			opt.Label = &zero
		}
		if column > 0 {
			opt.Column = string(rune('0' + column%4))
		}
		checkRead(t, data, "names.csv", opt)
	})
}

// FuzzReadTSV: a TSV with a header holds to checkRead's properties, for
// names and for TXT records (the shared zone records' txt column).
func FuzzReadTSV(f *testing.F) {
	fuzzReadNamesOrTXT(f, seedsOf(f, []string{"*.tsv"}, sharedZoneTXT, "name\tlabel\nexample.com\tbenign\n"), "names.tsv", FormatTSV, 1)
}

// FuzzReadRank: a rank list ("N,name") holds to checkRead's properties.
func FuzzReadRank(f *testing.F) {
	addBoth(f, seedsOf(f, []string{"rank.*.csv"}, "1,google.com\n2\tgstatic.com\nx,y.com\n3,a,b\n"))
	fuzzRead(f, "top.csv", FormatRank)
}

// FuzzReadJSONL: JSON Lines (Zeek JSON dns.log records included) hold to
// checkRead's properties.
func FuzzReadJSONL(f *testing.F) {
	zeekJSON := `{"ts":1655159382.670825,"uid":"C6cDXKqAZTGbOppsa","id.orig_h":"131.159.25.7","query":"www.google.com","qtype_name":"A","label":"Malicious"}` + "\n" +
		`{"Domain":null,"label":2}` + "\n" + `[1]` + "\n" + `{"name":"a.com","label":"x","family":3}` + "\n"
	addBoth(f, seedsOf(f, []string{"*.jsonl"}, zeekJSON))
	fuzzRead(f, "names.jsonl", FormatJSONL)
}

// FuzzReadZeek: a Zeek TSV log (dns.log) holds to checkRead's properties;
// read for TXT records, each of a line's answers counts as one line.
func FuzzReadZeek(f *testing.F) {
	fuzzReadNamesOrTXT(f, seedsOf(f, []string{"zeek_dns.*.log", "zeekheader/*.log"}, sharedDNSLog, sharedDNSLogTXT), "dns.log", FormatZeek, 0)
}

// fuzzReadNamesOrTXT fuzzes reading file in format with every row given
// label, as names and as TXT records (the bool), each seed both ways.
func fuzzReadNamesOrTXT(f *testing.F, seeds [][]byte, file, format string, label int) {
	for _, s := range seeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, txt bool) {
		opt := ReadOptions{Format: format, Label: &label}
		if txt {
			opt.Input = TXTRecords
		}
		checkRead(t, data, file, opt)
	})
}

// FuzzReadAuto: with the format left to detection (extension and first
// line), any file holds to checkRead's properties, for names and for TXT
// records, and reading it for scoring (every line kept, duplicates
// included) keeps the same lines.
func FuzzReadAuto(f *testing.F) {
	for _, s := range seedsOf(f, []string{"*.*", "zeekheader/*.log"}, sharedDGACSV, sharedUmbrella, sharedDNSLog, sharedDNSLogTXT, sharedTunnelTXT) {
		f.Add(s, "x.csv", false)
		f.Add(s, "x.log", true)
		f.Add(s, "x", false)
	}
	f.Fuzz(func(t *testing.T, data []byte, file string, txt bool) {
		zero := 0
		opt := ReadOptions{Label: &zero}
		if txt {
			opt.Input = TXTRecords
		}
		r := checkRead(t, data, file, opt)
		if r == nil {
			return
		}
		all, err := readFrom(bytes.NewReader(data), file, opt, &collector{read: &Read{File: file}, keepAll: true, input: opt.input()})
		if err != nil {
			t.Fatalf("read for scoring: %v", err)
		}
		// Kept for scoring, a duplicate or a name given both labels is a
		// row like any other.
		if all.Lines != r.Lines || all.Skipped != r.Skipped || all.Format != r.Format ||
			len(all.Rows)+len(all.Bad)+all.Skipped != all.Lines || len(all.Rows) < len(r.Rows) {
			t.Fatalf("read for scoring: %d lines, %d rows, %d bad, %d skipped as %s; read for training: %d lines, %d rows, %d skipped as %s",
				all.Lines, len(all.Rows), len(all.Bad), all.Skipped, all.Format, r.Lines, len(r.Rows), r.Skipped, r.Format)
		}
	})
}

// FuzzNormaliseDomain: a name NormaliseDomain accepts is lower-case ASCII
// letters, digits, '-', '_' and dots in labels of 1 to 63 characters, at
// most 253 in all, and is its own normal form, also with a trailing dot,
// surrounding space or in upper case; a refusal is a *BadName with the
// input and a reason.
//
// A name that is not UTF-8 is refused (it once became punycode:
// "ba\xff\xfed.com" as "xn--bad-6t7sa.com", issue 15, finding 3).
func FuzzNormaliseDomain(f *testing.F) {
	for _, s := range []string{
		"google.com", "WWW.Example.COM.", "bücher.de", "xn--bcher-kva.de", "_dmarc.example.com",
		"r3---sn-abc.googlevideo.com", "earnestnessbiophysicalohax.com", "da691aa3.openresolverproject.org",
		"a..b", ".", "", " a.com ", "xn--", "XN--ZZZ.com", "\u0661.com", "a\u200db.com", "ba\xff\xfed.com",
		strings.Repeat("a", 63) + "." + strings.Repeat("b", 64), strings.Repeat("a.", 127),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := NormaliseDomain(s)
		if err != nil {
			var bad *BadName
			if !errors.As(err, &bad) || bad.Name != s || bad.Reason == "" {
				t.Fatalf("%q: error %v is not a BadName with the input and a reason", s, err)
			}
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("%q is not UTF-8 but normalises to %q", s, out)
		}
		if reason := invalidName(out); reason != "" {
			t.Fatalf("%q normalises to %q: %s", s, out, reason)
		}
		for _, v := range []string{out, out + ".", " " + out + "\t", strings.ToUpper(out)} {
			if again, err := NormaliseDomain(v); err != nil || again != out {
				t.Fatalf("%q normalises to %q, but %q to %q, %v", s, out, v, again, err)
			}
		}
	})
}

// FuzzNormaliseTXT: a TXT record NormaliseTXT accepts is non-empty,
// trimmed UTF-8 of at most MaxTXTLength bytes, and its own normal form
// (until Zeek's "TXT 3 abc" form was undone only in Zeek logs, a record
// that read like it after one undoing, "TXT 9 TXT 1 xyz", changed again).
func FuzzNormaliseTXT(f *testing.F) {
	for _, s := range []string{"v=spf1 -all", "TXT 11 v=spf1 -all", "TXT 3 abc TXT 2 de", "TXT 9 short", " \t", "a\xffb", "AgLAAAMOeAEFTQkkyNzNQMFA2OEo5SlQ,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := NormaliseTXT(s)
		if err != nil {
			var bad *BadName
			if !errors.As(err, &bad) || bad.Reason == "" {
				t.Fatalf("%q: error %v is not a BadName with a reason", s, err)
			}
			return
		}
		if out == "" || len(out) > MaxTXTLength || !utf8.ValidString(out) || strings.TrimSpace(out) != out {
			t.Fatalf("%q normalises to %q", s, out)
		}
		if again, err := NormaliseTXT(out); err != nil || again != out {
			t.Fatalf("%q normalises to %q, and that to %q, %v", s, out, again, err)
		}
	})
}

// connDataLines counts the lines of data a conn.log or flow CSV parser
// reads as data: not blank, not '#'.
func connDataLines(lines []string) int {
	n := 0
	for _, l := range lines {
		if tr := strings.TrimSpace(l); tr != "" && tr[0] != '#' {
			n++
		}
	}
	return n
}

// checkConn checks a connection record: addresses set, counts and
// duration not negative, a label of -1, 0 or 1, a time in UTC.
func checkConn(t *testing.T, i int, rec ConnRecord) {
	t.Helper()
	if !rec.SrcIP.IsValid() || !rec.DstIP.IsValid() || rec.Duration < 0 ||
		rec.OrigBytes < 0 || rec.RespBytes < 0 || rec.OrigPkts < 0 || rec.RespPkts < 0 || rec.OrigIPBytes < 0 || rec.RespIPBytes < 0 ||
		rec.Label < -1 || rec.Label > 1 || rec.Time.Location().String() != "UTC" || rec.Proto != strings.ToLower(rec.Proto) {
		t.Fatalf("record %d: %+v", i, rec)
	}
}

// lineParser is ConnParser.Line or FlowCSVParser.Line.
type lineParser func(line string, lineNo int) (ConnRecord, bool, error)

// checkConnLines feeds data to parse a line at a time and checks that a
// line gives a record, or a *ConnLineError naming it, or a *FormatError,
// or nothing; returns the records and bad rows as readConnLines would, and
// how many data lines gave nothing.
func checkConnLines(t *testing.T, file string, data []byte, parse lineParser) (recs []ConnRecord, bad []BadRow, nothing int, ferr error) {
	t.Helper()
	for i, line := range inputLines(data) {
		n := i + 1
		if len(line) > MaxLineBytes {
			bad = append(bad, BadRow{}) // readConnLines' too long line
			continue
		}
		rec, ok, err := parse(line, n)
		var le *ConnLineError
		var fe *FormatError
		switch {
		case errors.As(err, &le):
			if ok || le.File != file || le.Line != n || le.Field == "" || le.Reason == "" {
				t.Fatalf("line %d: ok %v with %+v", n, ok, le.BadRow)
			}
			bad = append(bad, le.BadRow)
		case errors.As(err, &fe):
			if ok || fe.File != file {
				t.Fatalf("line %d: ok %v with %v", n, ok, fe)
			}
			if ferr == nil {
				ferr = err
			}
			return recs, bad, nothing, ferr
		case err != nil:
			t.Fatalf("line %d: error of another type: %T %v", n, err, err)
		case ok:
			checkConn(t, len(recs), rec)
			recs = append(recs, rec)
		default:
			if tr := strings.TrimSpace(line); tr != "" && tr[0] != '#' {
				nothing++
			}
		}
	}
	return recs, bad, nothing, nil
}

// FuzzReadConn: a conn.log (TSV or JSON lines) reads to records and bad
// rows, or stops at a *FormatError; every data line is one record or one
// bad row naming the line and a field, records are well-formed (see
// checkConn), and the parser fed a line at a time gives the same.
func FuzzReadConn(f *testing.F) {
	addFiles(f, "conn/*")
	addStrings(f, sharedConnLog, sharedConnJSON,
		"#fields\tts\tuid\tid.orig_h id.orig_p\tid.resp_h\tid.resp_p\tproto\n1\tC\t10.0.0.1 5\t10.0.0.2\t80\ttcp\n",
		`{"ts":"2022-06-12T22:00:32Z","id":{"orig_h":"::1","orig_p":1,"resp_h":"::2","resp_p":2},"proto":"TCP","_path":"conn"}`+"\n[1]\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "conn.log"
		recs, bad, nothing, ferr := checkConnLines(t, file, data, NewConnParser(file).Line)
		if nothing != 0 {
			t.Fatalf("%d data lines gave neither a record nor an error", nothing)
		}
		gotRecs, gotBad, err := ReadConnFrom(bytes.NewReader(data), file)
		if (err != nil) != (ferr != nil) {
			t.Fatalf("ReadConnFrom: %v; line by line: %v", err, ferr)
		}
		if err != nil {
			return
		}
		if len(recs)+len(bad) != connDataLines(inputLines(data)) {
			t.Fatalf("%d records + %d bad rows from %d data lines", len(recs), len(bad), connDataLines(inputLines(data)))
		}
		if len(gotRecs) != len(recs) || len(gotBad) != len(bad) {
			t.Fatalf("ReadConnFrom: %d records, %d bad; line by line %d, %d", len(gotRecs), len(gotBad), len(recs), len(bad))
		}
		checkBad(t, file, len(inputLines(data)), gotBad)
	})
}

// FuzzReadFlowCSV: a flow CSV reads to records and bad rows, or stops at a
// *FormatError; every data line but a header (only the first may be one)
// is one record or one bad row naming the line, and ReadFlowsFrom reads a
// flow CSV's records the same.
func FuzzReadFlowCSV(f *testing.F) {
	addFiles(f, "flowcsv/*")
	addStrings(f, sharedFlowCSV, "2022-06-12 22:00:01,tcp,SF,10.0.0.1,50001,192.0.2.1,443,100,1000\n",
		"time,src_ip,src_port,dst_ip,dst_port,protocol,label,duration\n1655071198.5,::1,1,::2,2,udp,Malicious,0.5\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "flows.csv"
		p := NewFlowCSVParser(file)
		first := true
		parse := func(line string, n int) (ConnRecord, bool, error) {
			rec, ok, err := p.Line(line, n)
			if tr := strings.TrimSpace(line); tr != "" && tr[0] != '#' {
				if !ok && err == nil && !first {
					t.Fatalf("line %d: a header after the first data line", n)
				}
				first = false
			}
			return rec, ok, err
		}
		recs, bad, nothing, ferr := checkConnLines(t, file, data, parse)
		if nothing > 1 {
			t.Fatalf("%d data lines gave neither a record nor an error", nothing)
		}
		gotRecs, gotBad, err := ReadFlowCSVFrom(bytes.NewReader(data), file)
		if (err != nil) != (ferr != nil) {
			t.Fatalf("ReadFlowCSVFrom: %v; line by line: %v", err, ferr)
		}
		if err != nil {
			return
		}
		if len(recs)+len(bad)+nothing != connDataLines(inputLines(data)) {
			t.Fatalf("%d records + %d bad rows + %d header from %d data lines", len(recs), len(bad), nothing, connDataLines(inputLines(data)))
		}
		if len(gotRecs) != len(recs) || len(gotBad) != len(bad) {
			t.Fatalf("ReadFlowCSVFrom: %d records, %d bad; line by line %d, %d", len(gotRecs), len(gotBad), len(recs), len(bad))
		}
		checkBad(t, file, len(inputLines(data)), gotBad)
		if trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n"); len(trimmed) > 0 && (trimmed[0] == '#' || trimmed[0] == '{') {
			return // ReadFlowsFrom reads it as a conn.log
		}
		flows, flowsBad, err := ReadFlowsFrom(bytes.NewReader(data), file, FormatAuto)
		if err != nil || !reflect.DeepEqual(flows, gotRecs) || !reflect.DeepEqual(flowsBad, gotBad) {
			t.Fatalf("ReadFlowsFrom differs from ReadFlowCSVFrom (%v)", err)
		}
	})
}

// FuzzReadTabular: a table of numeric columns (CSV, TSV or JSON Lines)
// reads to a Table or a *FormatError; every data line is one row or one
// bad row naming its line and first bad column; rows have a value for
// every column and no infinity, a label of -1, 0 or 1, and the keys,
// baseline marks and families the columns call for.
func FuzzReadTabular(f *testing.F) {
	for _, s := range seedsOf(f, []string{"tabular/*"}, "key,a,label\nx,1,0\ny,inf,1\nz,2\n", `{"ip":"10.0.0.1","a":1e400,"family":{}}`+"\n") {
		f.Add(s, "t.csv")
		f.Add(s, "t.jsonl")
		f.Add(s, "t")
	}
	f.Fuzz(func(t *testing.T, data []byte, file string) {
		tab, err := ReadTabularFrom(bytes.NewReader(data), file, TabularOptions{})
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || fe.File != file || fe.Reason == "" {
				t.Fatalf("error is not a FormatError naming the file: %v", err)
			}
			return
		}
		lines := inputLines(data)
		nonBlank, header := 0, 0
		for _, l := range lines {
			if strings.TrimSpace(l) != "" {
				nonBlank++
			}
		}
		if tab.Format != FormatJSONL {
			header = 1
		}
		n := len(tab.Values)
		if len(tab.Labels) != n || len(tab.Lines) != n || tab.Keys != nil && len(tab.Keys) != n ||
			tab.Baseline != nil && len(tab.Baseline) != n || tab.Families != nil && len(tab.Families) != n {
			t.Fatalf("%d rows: %d labels, %d lines, %d keys, %d baseline, %d families", n, len(tab.Labels), len(tab.Lines), len(tab.Keys), len(tab.Baseline), len(tab.Families))
		}
		if n+len(tab.Bad)+header != nonBlank {
			t.Fatalf("%d rows + %d bad + %d header from %d lines", n, len(tab.Bad), header, nonBlank)
		}
		if len(tab.Columns) == 0 || len(tab.KeyColumns) == 0 && tab.Keys != nil || len(tab.KeyColumns) > 0 && n > 0 && tab.Keys == nil {
			t.Fatalf("columns %q, key columns %q, %d keys", tab.Columns, tab.KeyColumns, len(tab.Keys))
		}
		for i, v := range tab.Values {
			if len(v) != len(tab.Columns) || slices.ContainsFunc(v, func(x float64) bool { return math.IsInf(x, 0) }) {
				t.Fatalf("row %d: %v for columns %q", i, v, tab.Columns)
			}
			if l := tab.Labels[i]; l < -1 || l > 1 {
				t.Fatalf("row %d: label %d", i, l)
			}
			if ln := tab.Lines[i]; ln < 1 || ln > len(lines) || i > 0 && ln <= tab.Lines[i-1] {
				t.Fatalf("row %d: line %d", i, ln)
			}
			if tab.Keys != nil && tab.Keys[i] == "" {
				t.Fatalf("row %d: empty key", i)
			}
		}
		checkBad(t, file, len(lines), tab.Bad)
	})
}
