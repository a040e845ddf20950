package dnslog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLoadBad checks that each bad format file is refused with the file,
// the line and the key at fault.
func TestLoadBad(t *testing.T) {
	want := map[string]string{
		"unknown-key.bad.json":   "unknown-key.bad.json:6: lines[0].colour: unknown key",
		"no-name-group.bad.json": "no-name-group.bad.json:5: lines[1]: a query rule must capture the query name",
		"wrong-type.bad.json":    "wrong-type.bad.json:3: time_layouts: a JSON string, want a list",
		"unknown-group.bad.json": `unknown-group.bad.json:2: regex: group "domain" is not a field`,
		"bad-regex.bad.json":     "bad-regex.bad.json:3: regex: error parsing regexp: missing closing )",
		"no-layouts.bad.json":    "no-layouts.bad.json:4: fields: captures time: give time_layouts",
		"two-objects.bad.json":   "two-objects.bad.json:2: more after the format's closing brace",
		"base-unknown.bad.json":  `base-unknown.bad.json:2: base: "unbound" is not a preset`,
	}
	files, _ := filepath.Glob("testdata/formats/*.bad.json")
	if len(files) != len(want) {
		t.Fatalf("%d bad format files, want %d", len(files), len(want))
	}
	for _, file := range files {
		f, err := Load(file)
		if err == nil {
			t.Errorf("%s loaded: %+v", file, f)
			continue
		}
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: %T %v, want a *ValidationError", file, err, err)
		}
		if w := want[filepath.Base(file)]; !strings.Contains(err.Error(), w) {
			t.Errorf("%s: %v\nwant it to contain %q", file, err, w)
		}
	}
}

func TestLoadGood(t *testing.T) {
	f, ok, err := Lookup("@testdata/formats/day-first-windows.good.json")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	// The base's rules, the file's name and layouts.
	if f.Name != "windows-dns-de" || f.NameEncoding != EncodingWindows || len(f.Lines) != 4 || f.TimeLayouts[0] != "2.1.2006 15:04:05" {
		t.Fatalf("format %+v", f)
	}
	f.TimeZone = "UTC"
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	p := f.NewParser("dns.log", nil)
	rec, ok, err := p.Parse("17.05.2026 21:30:15 0DD0 PACKET  00000001A1234567 UDP Rcv 192.168.204.137 0c6b   Q [0001   D   NOERROR] A      (8)facebook(3)com(0)", 1)
	if err != nil || !ok || rec.Name != "facebook.com" || !rec.Time.Equal(time.Date(2026, 5, 17, 21, 30, 15, 0, time.UTC)) {
		t.Fatalf("day-first line: %+v %v %v", rec, ok, err)
	}

	// A path without @ is a format file too; its name is the file's.
	f, ok, err = Lookup("testdata/formats/tsv.good.json")
	if err != nil || !ok || f.Name != "tsv.good" {
		t.Fatalf("Lookup(path) = %+v, %v, %v", f, ok, err)
	}
	p = f.NewParser("q.tsv", nil)
	rec, ok, err = p.Parse("1700000000.25\t10.1.2.3\tExample.COM.\ttype=65\tnxdomain", 1)
	if err != nil || !ok || rec.Name != "Example.COM" || rec.QType != "HTTPS" || rec.RCode != "NXDOMAIN" || rec.Client != "10.1.2.3" ||
		!rec.Time.Equal(time.Unix(1700000000, 250e6)) {
		t.Fatalf("tsv line: %+v %v %v", rec, ok, err)
	}
	if _, ok, err := Lookup("@testdata/formats/missing.json"); !ok || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing format file: ok=%v err=%v, want ok and not-exist", ok, err)
	}
}

// TestBadLines checks that each bad line names its field, and that reading
// goes on after it.
func TestBadLines(t *testing.T) {
	f, _, err := Lookup("testdata/formats/tsv.good.json")
	if err != nil {
		t.Fatal(err)
	}
	lines := []struct{ text, field string }{
		{"yesterday\t10.1.2.3\texample.com\tA\tNOERROR", "time"},
		{"1700000000\tmy-laptop\texample.com\tA\tNOERROR", "client"},
		{"1700000000\t10.1.2.3\texa mple.com\tA\tNOERROR", "name"},
		{"1700000000\t10.1.2.3\texample..com\tA\tNOERROR", "name"},
		{"1700000000\t10.1.2.3\texample.com\tA?\tNOERROR", "qtype"},
		{"1700000000\t10.1.2.3\texample.com\tA\tno error", "rcode"},
		{"1700000000\t10.1.2.3\texample.com\tA", "line"},
		{"1700000000\t10.1.2.3\tgood.example\tA\tNOERROR", ""},
	}
	p := f.NewParser("q.tsv", nil)
	for i, l := range lines {
		rec, ok, err := p.Parse(l.text, i+1)
		if l.field == "" {
			if err != nil || !ok || rec.Name != "good.example" {
				t.Errorf("line %d: %+v %v %v, want read", i+1, rec, ok, err)
			}
			continue
		}
		var le *LineError
		if !errors.As(err, &le) || le.Field != l.field || le.Line != i+1 || le.File != "q.tsv" {
			t.Errorf("line %d: %v, want a bad field %s", i+1, err, l.field)
		}
	}
	if p.Stats.Bad != 7 || p.Stats.Queries != 1 {
		t.Errorf("stats %+v", p.Stats)
	}
	if e := (&LineError{File: "q.tsv", Line: 7, Field: "line", Reason: "4 columns", Value: "x"}).Error(); e != `q.tsv:7: field line: 4 columns: "x"` {
		t.Errorf("LineError renders %q", e)
	}
}

func TestWindowsNames(t *testing.T) {
	f := presetUTC(t, "windows-dns")
	for in, want := range map[string]string{
		"(7)example(3)com(0)":         "example.com",
		"(3)a(b(3)com(0)":             "a(b.com",
		"(3)api(11)blahblah(3)com(0)": "api.blahblah.com", // an edited length
		".ns1.offeringsmislead.com.":  "ns1.offeringsmislead.com",
		"(0)":                         "",
	} {
		got, fe := f.readName(in)
		if fe != nil || got != want {
			t.Errorf("readName(%q) = %q, %v; want %q", in, got, fe, want)
		}
	}
	for _, in := range []string{"(3)www(0)x", "(x)y(0)", "(3)www(0)(0)"} {
		if got, fe := f.readName(in); fe == nil {
			t.Errorf("readName(%q) = %q, want an error", in, got)
		}
	}
}

// TestJoinByName checks dnsmasq without log-queries=extra: a reply joins
// the oldest unanswered query of its name, later answer lines of it are
// not counted twice, and a query older than the join window is not joined.
func TestJoinByName(t *testing.T) {
	f := presetUTC(t, "dnsmasq")
	p := f.NewParser("dnsmasq.log", func() time.Time { return ref2026 })
	lines := []string{
		"Dec  7 10:00:00 dnsmasq[9]: query[A] a.example from 10.0.0.1",
		"Dec  7 10:00:00 dnsmasq[9]: query[AAAA] a.example from 10.0.0.1",
		"Dec  7 10:00:00 dnsmasq[9]: reply a.example is 192.0.2.1",
		"Dec  7 10:00:00 dnsmasq[9]: reply a.example is 2001:db8::1",
		"Dec  7 10:00:00 dnsmasq[9]: reply a.example is 2001:db8::2",
		"Dec  7 10:00:00 dnsmasq[9]: query[A] slow.example from 10.0.0.2",
		"Dec  7 10:05:00 dnsmasq[9]: reply slow.example is NXDOMAIN",
	}
	var got []string
	for i, l := range lines {
		rec, ok, err := p.Parse(l, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if ok && rec.Response {
			got = append(got, rec.QType+" "+rec.Client+" "+strings.Join(rec.Answers, ""))
		}
	}
	if strings.Join(got, ", ") != "A 10.0.0.1 192.0.2.1, AAAA 10.0.0.1 2001:db8::1" {
		t.Errorf("responses %q", got)
	}
	if p.Stats.Further != 1 || p.Stats.Unjoined != 1 {
		t.Errorf("stats %+v, want 1 further answer and 1 reply past the join window", p.Stats)
	}
}

// TestJoinByIDAndClient checks Windows DNS: a message id is per client, so
// two clients' queries with the same id get their own answers.
func TestJoinByIDAndClient(t *testing.T) {
	f := presetUTC(t, "windows-dns")
	p := f.NewParser("dns.log", nil)
	lines := []string{
		"12/7/2026 10:00:00 AM 0E4C PACKET  000001D9F0E1A2B0 UDP Rcv 10.0.0.5        1a2b   Q [0001   D   NOERROR] A      (7)example(3)com(0)",
		"12/7/2026 10:00:00 AM 0E4C PACKET  000001D9F0E1A2B1 UDP Rcv 10.0.0.6        1a2b   Q [0001   D   NOERROR] TXT    (3)bad(7)example(3)net(0)",
		"12/7/2026 10:00:01 AM 0E4C PACKET  000001D9F0E1A2B1 UDP Snd 10.0.0.6        1a2b R Q [8183   DR NXDOMAIN] TXT    (3)bad(7)example(3)net(0)",
		"12/7/2026 10:00:01 AM 0E4C PACKET  000001D9F0E1A2B0 UDP Snd 10.0.0.5        1a2b R Q [8081   DR  NOERROR] A      (7)example(3)com(0)",
	}
	var got []string
	for i, l := range lines {
		rec, ok, err := p.Parse(l, i+1)
		if err != nil || !ok {
			t.Fatalf("line %d: %v %v", i+1, ok, err)
		}
		if rec.Response {
			got = append(got, rec.Client+" "+rec.Name+" "+rec.QType+" "+rec.RCode)
		}
	}
	if strings.Join(got, ", ") != "10.0.0.6 bad.example.net TXT NXDOMAIN, 10.0.0.5 example.com A NOERROR" {
		t.Errorf("responses %q", got)
	}
}
