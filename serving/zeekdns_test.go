package serving

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const zeekDNSHeader = "#separator \\x09\n#unset_field\t-\n#empty_field\t(empty)\n#fields\tts\tid.orig_h\tquery\tqtype_name\n#types\ttime\taddr\tstring\tstring\n"

// TestZeekDNSRCode: a record's rcode_name is the query's RCode, in TSV
// and JSON; unset, absent or null is "".
func TestZeekDNSTypeAndLabel(t *testing.T) {
	p := newZeekDNSParser("dns.log")
	lines := []string{
		"#separator \\x09",
		"#fields\tts\tid.orig_h\tquery\tqtype_name\tlabel\tfamily",
		"1709287200\t10.0.0.5\taGVsbG8.t.example.com\tNULL\t1\tiodine",
		"1709287200\t10.0.0.5\twww.example.com\tA\t0\t-",
		"1709287200\t10.0.0.5\twww.example.com\tAAAA\t-\t-",
		`{"ts":1709287200,"query":"a.example","qtype_name":"TXT","label":"malicious","family":"dnscat2"}`,
		`{"ts":1709287200,"query":"b.example","label":0}`,
		`{"ts":1709287200,"query":"c.example"}`,
	}
	type tl struct {
		qtype  string
		label  int
		family string
	}
	want := []tl{{"NULL", 1, "iodine"}, {"A", 0, ""}, {"AAAA", -1, ""}, {"TXT", 1, "dnscat2"}, {"", 0, ""}, {"", -1, ""}}
	for i, l := range lines[:2] {
		if _, _, err := p.parse(l, i+1); err != nil {
			t.Fatal(err)
		}
	}
	for i, l := range lines[2:] {
		q, ok, err := p.parse(l, i+3)
		if got := (tl{q.QType, q.Label, q.Family}); !ok || err != nil || got != want[i] {
			t.Errorf("line %d %q: %+v (%v %v), want %+v", i+3, l, got, ok, err, want[i])
		}
	}
}

func TestZeekDNSRCode(t *testing.T) {
	p := newZeekDNSParser("dns.log")
	lines := []string{
		"#separator \\x09",
		"#fields\tts\tid.orig_h\tquery\trcode_name",
		"1709287200\t10.0.0.5\txkqwjzprtmvbnd.net\tNXDOMAIN",
		"1709287200\t10.0.0.5\twww.example.com\tNOERROR",
		"1709287200\t10.0.0.5\tslow.example.com\t-",
		`{"ts":1709287200,"id.orig_h":"10.0.0.5","query":"a.example","rcode_name":"NXDOMAIN"}`,
		`{"ts":1709287200,"id.orig_h":"10.0.0.5","query":"b.example","rcode_name":null}`,
		`{"ts":1709287200,"id.orig_h":"10.0.0.5","query":"c.example"}`,
		`{"ts":1709287200,"id.orig_h":"10.0.0.5","query":"d.example","rcode_name":3}`,
	}
	want := []string{"", "", "NXDOMAIN", "NOERROR", "", "NXDOMAIN", "", ""}
	for i, l := range lines[:len(want)] {
		q, _, err := p.parse(l, i+1)
		if err != nil || q.RCode != want[i] {
			t.Errorf("line %d %q: rcode %q (%v), want %q", i+1, l, q.RCode, err, want[i])
		}
	}
	if _, _, err := p.parse(lines[len(want)], len(want)+1); err == nil || err.Error() != `dns.log:9: field rcode_name: "3" is not a string` {
		t.Errorf("a numeric rcode_name: %v", err)
	}
}

func TestZeekDNSParseLines(t *testing.T) {
	fixed := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	lines := strings.Split(strings.TrimSuffix(zeekDNSHeader, "\n"), "\n")
	lines = append(lines,
		"1709287200.123456\t10.0.0.5\twww.example.com\tA",
		"1709287200\t-\txjwqkzpvbn.com\tA",
		"-\t10.0.0.5\tnots.example\tA",
		"1709287200.5\t10.0.0.5\t-\tA",
		"1709287200.5\t10.0.0.5\t(empty)\tA",
		"abc\t10.0.0.5\tx.example\tA",
		"1709287200.5\t10.0.0.5\tx.example",
		"",
		`{"ts":1709287300.654321,"id.orig_h":"192.168.1.20","query":"mail.example.org"}`,
		`{"ts":"2024-03-01T10:01:41.123456Z","id.orig_h":"192.168.1.21","query":"kq3vxj9wzt2m.info"}`,
		`{"ts":1.7092873e9,"query":"exp.example"}`,
		`{"ts":1709287302.0,"id.orig_h":"192.168.1.22"}`,
		`{"ts":"yesterday","query":"y.example"}`,
		`{"ts":1709287302.0,"query":12}`,
		`{"ts":1709287302.0,"query":"trunc`,
		`{"ts":true,"query":"b.example"}`,
	)
	type want struct {
		ok  bool
		q   Query
		err string
	}
	wants := []want{
		{}, {}, {}, {}, {}, // header
		{ok: true, q: Query{Source: "zeek-dns", Time: time.Unix(1709287200, 123456000).UTC(), ClientIP: "10.0.0.5", Name: "www.example.com"}},
		{ok: true, q: Query{Source: "zeek-dns", Time: time.Unix(1709287200, 0).UTC(), Name: "xjwqkzpvbn.com"}},
		{ok: true, q: Query{Source: "zeek-dns", Time: fixed, ClientIP: "10.0.0.5", Name: "nots.example"}},
		{}, // no query
		{}, // (empty) query
		{err: `dns.log:11: field ts: "abc" is not a time`},
		{err: `dns.log:12: 3 fields, #fields has 4`},
		{}, // empty line
		{ok: true, q: Query{Source: "zeek-dns", Time: time.Unix(1709287300, 654321000).UTC(), ClientIP: "192.168.1.20", Name: "mail.example.org"}},
		{ok: true, q: Query{Source: "zeek-dns", Time: time.Date(2024, 3, 1, 10, 1, 41, 123456000, time.UTC), ClientIP: "192.168.1.21", Name: "kq3vxj9wzt2m.info"}},
		{ok: true, q: Query{Source: "zeek-dns", Time: time.Unix(1709287300, 0).UTC(), Name: "exp.example"}},
		{}, // no query
		{err: `dns.log:18: field ts: "yesterday" is not a time`},
		{err: `dns.log:19: field query: "12" is not a string`},
		{err: `dns.log:20: not a JSON object: unexpected end of JSON input`},
		{err: `dns.log:21: field ts: "true" is not a time`},
	}
	if len(wants) != len(lines) {
		t.Fatalf("%d wants for %d lines", len(wants), len(lines))
	}
	p := newZeekDNSParser("dns.log")
	p.now = func() time.Time { return fixed }
	for i, line := range lines {
		q, ok, err := p.parse(line, i+1)
		w := wants[i]
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if ok != w.ok || gotErr != w.err || (ok && !q.Time.Equal(w.q.Time)) {
			t.Errorf("line %d %q: got %v %+v %q, want %v %+v %q", i+1, line, ok, q, gotErr, w.ok, w.q, w.err)
			continue
		}
		q.Time, w.q.Time = time.Time{}, time.Time{}
		q.QType, q.Label = "", 0 // TestZeekDNSTypeAndLabel
		if ok && !reflect.DeepEqual(q, w.q) {
			t.Errorf("line %d %q: got %+v, want %+v", i+1, line, q, w.q)
		}
	}
}

// zeekRun runs a ZeekDNS in the background and collects what it emits.
type zeekRun struct {
	z     *ZeekDNS
	mu    sync.Mutex
	names []string
	ips   []string
	bad   []string
	stop  context.CancelFunc
	done  chan error
}

func startZeekDNS(t *testing.T, path string, fromEnd bool) *zeekRun {
	t.Helper()
	r := &zeekRun{done: make(chan error, 1)}
	r.z = &ZeekDNS{
		Path: path, FromEnd: fromEnd, Poll: 5 * time.Millisecond, Counters: new(SourceCounters),
		Bad: func(err error) {
			r.mu.Lock()
			r.bad = append(r.bad, err.Error())
			r.mu.Unlock()
		},
		Emit: func(q Query) {
			if q.Source != SourceZeekDNS {
				t.Errorf("source %q", q.Source)
			}
			r.mu.Lock()
			r.names = append(r.names, q.Name)
			r.ips = append(r.ips, q.ClientIP)
			r.mu.Unlock()
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	go func() { r.done <- r.z.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(time.Second):
			t.Error("Run did not return within 1s of ctx being cancelled")
		}
	})
	return r
}

// wait waits until n names were emitted and read lines were all counted.
func (r *zeekRun) wait(t *testing.T, names, read int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r.mu.Lock()
		got := len(r.names)
		r.mu.Unlock()
		if got >= names && int(r.z.Counters.Read.Load()) >= read {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d names and %d lines read, want %d and %d", got, r.z.Counters.Read.Load(), names, read)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (r *zeekRun) counts() [4]uint64 {
	c := r.z.Counters
	return [4]uint64{c.Read.Load(), c.Parsed.Load(), c.Skipped.Load(), c.Bad.Load()}
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestZeekDNSFollowsTSVThenJSON follows a TSV dns.log as it grows, with bad
// lines, then a rotation to a JSON log.
func TestZeekDNSFollowsTSVThenJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dns.log")
	tsv := readTestdata(t, "zeekdns.log")
	closeAt := strings.Index(tsv, "#close")
	appendFile(t, path, tsv[:closeAt]) // a log still being written has no #close
	r := startZeekDNS(t, path, false)
	r.wait(t, 3, 12)
	if got := r.counts(); got != [4]uint64{12, 3, 9, 0} {
		t.Fatalf("counts read/parsed/skipped/bad = %v, want [12 3 9 0]", got)
	}

	// Line 13 has too few fields, line 14 a bad ts, line 15 arrives in parts.
	appendFile(t, path, "1709287204.0\t-\n")
	appendFile(t, path, "abc\tC1\t10.0.0.9\t1\t10.0.0.1\t53\tudp\t1\t-\tbad-ts.example\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t-\t-\tF\n")
	appendFile(t, path, "1709287205.0\tC2\t10.0.0.9\t1\t10.0.0.1\t53\tudp\t1\t-\tparts")
	time.Sleep(20 * time.Millisecond)
	appendFile(t, path, ".example\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t-\t-\tF\n"+tsv[closeAt:])
	r.wait(t, 4, 16)

	// Rotation: the new file is a JSON log, plus a line with a JSON error.
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	appendFile(t, path, readTestdata(t, "zeekdns.json.log")+"{\"ts\":1709287303.0,\"query\":\n")
	r.wait(t, 6, 20)
	time.Sleep(20 * time.Millisecond)

	r.mu.Lock()
	defer r.mu.Unlock()
	wantNames := []string{"www.example.com", "xjwqkzpvbn.com", "qpzmtrhvkd.net", "parts.example", "mail.example.org", "kq3vxj9wzt2m.info"}
	wantIPs := []string{"10.0.0.5", "10.0.0.7", "fe80::1", "10.0.0.9", "192.168.1.20", "192.168.1.21"}
	if strings.Join(r.names, " ") != strings.Join(wantNames, " ") || strings.Join(r.ips, " ") != strings.Join(wantIPs, " ") {
		t.Errorf("names %v ips %v, want %v %v", r.names, r.ips, wantNames, wantIPs)
	}
	wantBad := []string{
		path + ":13: 2 fields, #fields has 24",
		path + `:14: field ts: "abc" is not a time`,
		path + ":4: not a JSON object: unexpected end of JSON input",
	}
	if strings.Join(r.bad, "\n") != strings.Join(wantBad, "\n") {
		t.Errorf("bad:\n%s\nwant:\n%s", strings.Join(r.bad, "\n"), strings.Join(wantBad, "\n"))
	}
	// TSV: 8 header + 4 rows (3 parsed, 1 no query) + 3 appended (1 parsed,
	// 2 bad) + #close = 16; JSON: 2 parsed, 1 without query, 1 bad.
	if got := r.counts(); got != [4]uint64{20, 6, 11, 3} {
		t.Errorf("counts read/parsed/skipped/bad = %v, want [20 6 11 3]", got)
	}
	c := r.counts()
	if c[0] != c[1]+c[2]+c[3] {
		t.Errorf("read %d != parsed+skipped+bad %d", c[0], c[1]+c[2]+c[3])
	}
}

// TestZeekDNSFromEnd starts at the end of a log and still knows its columns.
func TestZeekDNSFromEnd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dns.log")
	appendFile(t, path, zeekDNSHeader+"1709287200.1\t10.0.0.5\told.example\tA\n")
	r := startZeekDNS(t, path, true)
	r.wait(t, 0, 5)
	appendFile(t, path, "1709287200.2\t10.0.0.6\tnew.example\tA\n")
	r.wait(t, 1, 6)
	r.mu.Lock()
	defer r.mu.Unlock()
	if strings.Join(r.names, " ") != "new.example" || len(r.bad) != 0 {
		t.Fatalf("names %v bad %v, want only new.example", r.names, r.bad)
	}
}

func TestZeekDNSNotADNSLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conn.log")
	appendFile(t, path, "#separator \\x09\n#fields\tts\tuid\tid.orig_h\tduration\n1.0\tC\t10.0.0.1\t2.0\n")
	z := &ZeekDNS{Path: path, Poll: 5 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := z.Run(ctx)
	want := path + ":2: field #fields: no query column; is this a Zeek dns.log?"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if ctx.Err() != nil {
		t.Fatal("Run waited for ctx instead of failing")
	}
}

// TestZeekDNSLongLine: a line over 64 KiB is read, counted bad and reported;
// the next line is still parsed.
func TestZeekDNSLongLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dns.log")
	appendFile(t, path, zeekDNSHeader+"1709287200.1\t10.0.0.5\t"+strings.Repeat("a", 70000)+"\tA\n1709287200.2\t10.0.0.6\tok.example\tA\n")
	r := startZeekDNS(t, path, false)
	r.wait(t, 1, 7)
	if got := r.counts(); got != [4]uint64{7, 1, 5, 1} {
		t.Errorf("counts read/parsed/skipped/bad = %v, want [7 1 5 1]", got)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if want := path + ":6: line is 70024 bytes, over the 65536-byte limit"; len(r.bad) != 1 || r.bad[0] != want {
		t.Errorf("bad = %q, want %q", r.bad, want)
	}
}

// TestZeekDNSTXTAnswers: the answers of TXT queries become the query's TXT
// records, TSV (split at #set_separator, escapes undone) and JSON; other
// queries' answers do not, nor the CNAME target of a TXT query.
func TestZeekDNSTXTAnswers(t *testing.T) {
	header := "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n" +
		"#fields\tts\tid.orig_h\tquery\tqtype_name\tanswers\n#types\ttime\taddr\tstring\tstring\tvector[string]\n"
	lines := strings.Split(strings.TrimSuffix(header, "\n"), "\n")
	lines = append(lines,
		"1709287200.1\t10.0.0.5\tt.example\tTXT\tTXT 11 hello\\x2cworld,TXT 3 abc TXT 2 de",
		"1709287200.2\t10.0.0.5\tnone.example\tTXT\t-",
		"1709287200.3\t10.0.0.5\tempty.example\tTXT\t(empty)",
		"1709287200.4\t10.0.0.5\ta.example\tA\t192.0.2.1,192.0.2.2",
		"1709287200.45\t10.0.0.5\tc.example\tTXT\tt.example,TXT 5 hello,TXT 0 ,TXT5 x,TXT x y",
		"#set_separator\t|",
		"1709287200.5\t10.0.0.6\tpipe.example\ttxt\tTXT 3 a,b|TXT 1 c",
		`{"ts":1709287300.1,"id.orig_h":"10.0.0.7","query":"j.example","qtype_name":"TXT","answers":["TXT 5 hello","TXT 3 x\\y"]}`,
		`{"ts":1709287300.2,"query":"ja.example","qtype_name":"A","answers":["192.0.2.1"]}`,
		`{"ts":1709287300.3,"query":"jn.example","qtype_name":"TXT","answers":null}`,
		`{"ts":1709287300.35,"query":"jc.example","qtype_name":"TXT","answers":["t.example"]}`,
		`{"ts":1709287300.4,"query":"jb.example","qtype_name":"TXT","answers":"TXT 5 hello"}`,
		`{"ts":1709287300.5,"query":"jq.example","qtype_name":16}`,
	)
	type want struct {
		name string
		txt  []string
		err  string
	}
	wants := []want{
		{}, {}, {}, {}, {}, {}, // header
		{name: "t.example", txt: []string{"hello,world", "abcde"}},
		{name: "none.example"},
		{name: "empty.example"},
		{name: "a.example"},
		{name: "c.example", txt: []string{"hello", ""}}, // the CNAME target and non-Zeek forms left out
		{}, // #set_separator
		{name: "pipe.example", txt: []string{"a,b", "c"}},
		{name: "j.example", txt: []string{"hello", `x\y`}},
		{name: "ja.example"},
		{name: "jn.example"},
		{name: "jc.example"},
		{err: `dns.log:18: field answers: "\"TXT 5 hello\"" is not an array of strings`},
		{err: `dns.log:19: field qtype_name: "16" is not a string`},
	}
	if len(wants) != len(lines) {
		t.Fatalf("%d wants for %d lines", len(wants), len(lines))
	}
	p := newZeekDNSParser("dns.log")
	for i, line := range lines {
		q, ok, err := p.parse(line, i+1)
		w := wants[i]
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if gotErr != w.err || ok != (w.name != "") || q.Name != w.name || !reflect.DeepEqual(q.TXT, w.txt) {
			t.Errorf("line %d %q: got %v %q %q %q, want %q %q %q", i+1, line, ok, q.Name, q.TXT, gotErr, w.name, w.txt, w.err)
		}
	}
}
