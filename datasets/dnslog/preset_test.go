package dnslog

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// presetUTC is preset name with times read in UTC, so the tests do not
// depend on the machine's zone.
func presetUTC(t *testing.T, name string) *Format {
	t.Helper()
	f, ok, err := Preset(name)
	if err != nil || !ok {
		t.Fatalf("preset %s: ok=%v err=%v", name, ok, err)
	}
	f.TimeZone = "UTC"
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	return f
}

// readAll reads path with f, ref as the reference time.
func readAll(t *testing.T, f *Format, path string, ref time.Time) ([]datasets.DNSRecord, []*LineError, Stats) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p := f.NewParser(path, func() time.Time { return ref })
	var recs []datasets.DNSRecord
	var bad []*LineError
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		rec, ok, err := p.Parse(line, i+1)
		switch {
		case err != nil:
			bad = append(bad, err.(*LineError))
		case ok:
			recs = append(recs, rec)
		}
	}
	return recs, bad, p.Stats
}

func queries(recs []datasets.DNSRecord) (q, r []datasets.DNSRecord) {
	for _, rec := range recs {
		if rec.Response {
			r = append(r, rec)
		} else {
			q = append(q, rec)
		}
	}
	return q, r
}

func names(recs []datasets.DNSRecord) string {
	var s []string
	for _, r := range recs {
		s = append(s, r.QType+" "+r.Name)
	}
	return strings.Join(s, ", ")
}

func TestPresetsLoad(t *testing.T) {
	want := []string{"bind", "coredns", "dnsmasq", "heidgaf", "pihole", "windows-dns"}
	if got := strings.Join(Presets(), " "); got != strings.Join(want, " ") {
		t.Fatalf("presets %q, want %q", got, want)
	}
	for _, name := range want {
		f, ok, err := Lookup(name)
		if err != nil || !ok || f.Name != name || f.Description == "" {
			t.Errorf("Lookup(%q) = %+v, %v, %v", name, f, ok, err)
		}
	}
	for _, other := range []string{"auto", "zeek", "csv", "dnstap", "", "bind.json.x"} {
		if _, ok, err := Lookup(other); ok || err != nil {
			t.Errorf("Lookup(%q) took it as a DNS log format (err %v)", other, err)
		}
	}
}

var ref2026 = time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)

func TestBINDSample(t *testing.T) {
	recs, bad, st := readAll(t, presetUTC(t, "bind"), "testdata/bind-query.log", ref2026)
	if len(bad) > 0 {
		t.Fatalf("bad lines: %v", bad)
	}
	q, r := queries(recs)
	if got, want := names(q), "A www.lab.test, AAAA www.lab.test, TXT t.lab.test, A nope.lab.test, A other.example, SRV _ldap._tcp.lab.test, A Www.Lab.Test, A www.lab.test, A www.lab.test"; got != want {
		t.Errorf("queries %s\nwant %s", got, want)
	}
	if len(r) != 1 || r[0].Name != "other.example" || r[0].RCode != "REFUSED" || r[0].Client != "127.0.0.1" || r[0].QType != "A" {
		t.Errorf("replies %+v, want other.example's REFUSED from its query-errors line", r)
	}
	if st.Further != 1 {
		t.Errorf("further answers %d, want 1 (the repeated query-errors line)", st.Further)
	}
	if want := time.Date(2026, 12, 7, 23, 27, 10, 347e6, time.UTC); !q[0].Time.Equal(want) || q[0].Client != "127.0.0.1" || q[0].Label != -1 {
		t.Errorf("first query %+v, want at %v from 127.0.0.1, label -1", q[0], want)
	}
}

func TestDnsmasqSamples(t *testing.T) {
	f := presetUTC(t, "dnsmasq")
	for _, file := range []string{"testdata/dnsmasq-extra.log", "testdata/dnsmasq-plain.log"} {
		recs, bad, st := readAll(t, f, file, ref2026)
		if len(bad) > 0 {
			t.Fatalf("%s: bad lines: %v", file, bad)
		}
		q, r := queries(recs)
		if got, want := names(q), "A www.up.test, AAAA www.up.test, TXT t.up.test, A alias.up.test, A q.nx2.test, A www.up.test, MX x.nx2.test"; got != want {
			t.Errorf("%s: queries %s\nwant %s", file, got, want)
		}
		var rcodes []string
		for _, x := range r {
			rcodes = append(rcodes, x.QType+" "+x.Name+" "+x.RCode+" "+strings.Join(x.Answers, "|"))
		}
		want := "A www.up.test NOERROR 198.51.100.9, AAAA www.up.test NOERROR 2001:db8::9, TXT t.up.test NOERROR v=spf1 -all, A alias.up.test NOERROR , A q.nx2.test NXDOMAIN , A www.up.test NOERROR 198.51.100.9, MX x.nx2.test NXDOMAIN "
		if got := strings.Join(rcodes, ", "); got != want {
			t.Errorf("%s: replies %s\nwant %s", file, got, want)
		}
		if st.Further+st.Unjoined != 1 {
			t.Errorf("%s: further %d + unjoined %d, want 1 (the CNAME target's NODATA line)", file, st.Further, st.Unjoined)
		}
		if want := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC); q[0].Time.Truncate(24*time.Hour) != want || q[0].Client != "127.0.0.1" {
			t.Errorf("%s: first query %+v, want on %v from 127.0.0.1", file, q[0], want)
		}
	}
}

func TestDnsmasqIodineSample(t *testing.T) {
	recs, bad, _ := readAll(t, presetUTC(t, "dnsmasq"), "testdata/dnsmasq-iodine.log", ref2026)
	q, r := queries(recs)
	if len(q) != 7 || len(r) != 7 {
		t.Fatalf("%d queries and %d replies, want 7 and 7: %s", len(q), len(r), names(recs))
	}
	for _, x := range recs {
		if x.QType != "TXT" || x.Client != "172.18.0.3" || !strings.HasSuffix(x.Name, ".example.attack") {
			t.Errorf("record %+v, want a TXT query of 172.18.0.3 under example.attack", x)
		}
	}
	if r[1].Answers[0] != "tgeyc2mbogaxdcljrgaxdalrqfyzc0mjrgmyc0mrx" {
		t.Errorf("second reply's answer %q", r[1].Answers)
	}
	if len(bad) != 1 || bad[0].Field != "name" || bad[0].Line != 19 || bad[0].Value != "<name unprintable>" {
		t.Errorf("bad lines %v, want line 19's unprintable name", bad)
	}
	if want := time.Date(2026, 8, 23, 6, 12, 37, 0, time.UTC); !q[0].Time.Equal(want) {
		t.Errorf("first query at %v, want %v", q[0].Time, want)
	}
}

func TestPiholeSample(t *testing.T) {
	ref := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	recs, bad, st := readAll(t, presetUTC(t, "pihole"), "testdata/pihole.log", ref)
	if len(bad) > 0 {
		t.Fatalf("bad lines: %v", bad)
	}
	q, r := queries(recs)
	if got, want := names(q), "AAAA video-edge-b1fd44.muc01.abs.hls.ttvnw.net, A video-edge-8b17e9.pdx01.abs.hls.ttvnw.net, A dnl-14.geo.kaspersky.com, A pi.hole, A google.com, PTR 1.0.0.127.in-addr.arpa, AAAA example.com"; got != want {
		t.Errorf("queries %s\nwant %s", got, want)
	}
	// Only the last "Pi-hole hostname" line answers a query of the excerpt;
	// the other answer lines' queries are not in it.
	if len(r) != 1 || r[0].Name != "pi.hole" || r[0].RCode != "NOERROR" || r[0].Answers[0] != "127.0.0.1" {
		t.Errorf("replies %+v", r)
	}
	if st.Unjoined != 7 {
		t.Errorf("unjoined %d, want 7", st.Unjoined)
	}
	// July is last year's, February this year's.
	if q[0].Time.Year() != 2025 || q[3].Time.Year() != 2026 {
		t.Errorf("years %d and %d, want 2025 and 2026", q[0].Time.Year(), q[3].Time.Year())
	}
}

func TestCoreDNSSample(t *testing.T) {
	recs, bad, st := readAll(t, presetUTC(t, "coredns"), "testdata/coredns.log", ref2026)
	if len(bad) > 0 {
		t.Fatalf("bad lines: %v", bad)
	}
	if len(recs) != 13 || st.Skipped != 5 {
		t.Fatalf("%d records, %d skipped, want 13 and 5: %s", len(recs), st.Skipped, names(recs))
	}
	for _, x := range recs {
		if x.Response || x.RCode == "" || x.ResponseBytes == 0 || strings.HasSuffix(x.Name, ".") {
			t.Errorf("record %+v, want a query with its rcode and size, name without its dot", x)
		}
	}
	if x := recs[6]; x.Name != "asdf.coma" || x.RCode != "NXDOMAIN" || x.ResponseBytes != 113 || x.Client != "172.17.0.1" {
		t.Errorf("record 7 %+v", x)
	}
	if x := recs[10]; x.Client != "::1" || x.QType != "PTR" || !x.Time.Equal(ref2026) {
		t.Errorf("record 11 %+v, want ::1's PTR query at the reference time", x)
	}
	if x := recs[12]; !x.Time.Equal(time.Date(2019, 3, 19, 5, 13, 36, 289e6, time.UTC)) {
		t.Errorf("record 13 at %v, want its -07:00 time in UTC", x.Time)
	}
}

func TestWindowsDNSSamples(t *testing.T) {
	f := presetUTC(t, "windows-dns")
	recs, bad, st := readAll(t, f, "testdata/windows-dns.log", ref2026)
	if len(bad) > 0 {
		t.Fatalf("bad lines: %v", bad)
	}
	q, r := queries(recs)
	if got, want := names(q), "A sitecheck2.opera.com, A ctldl.windowsupdate.com, A ctldl.windowsupdate.com, A duckduckgo.com"; got != want {
		t.Errorf("queries %s\nwant %s", got, want)
	}
	if got, want := names(r), "A sitecheck2.opera.com, A ctldl.windowsupdate.com, A ctldl.windowsupdate.com"; got != want || st.Unjoined != 0 {
		t.Errorf("replies %s (%d unjoined)\nwant %s", got, st.Unjoined, want)
	}
	for _, x := range recs {
		if x.Client != "10.250.2.246" || !x.Time.Equal(time.Date(2015, 5, 21, 13, 51, 18, 0, time.UTC)) {
			t.Errorf("record %+v, want the client 10.250.2.246 at 1:51:18 PM", x)
		}
	}
	recs, bad, st = readAll(t, f, "testdata/windows-dns-other.log", ref2026)
	if len(bad) > 0 {
		t.Fatalf("bad lines: %v", bad)
	}
	if got, want := names(recs), "A somecomputer.domain.com, A www.abayoumy.tech, A esfregbiza2-sh.rel.spdb.com"; got != want || st.Unjoined != 2 {
		t.Errorf("records %s (%d unjoined)\nwant %s, 2 unjoined", got, st.Unjoined, want)
	}
	if !recs[2].Time.Equal(time.Date(2024, 12, 2, 15, 51, 54, 0, time.UTC)) {
		t.Errorf("year-first date read as %v", recs[2].Time)
	}
}

func TestHeidgafSample(t *testing.T) {
	recs, bad, _ := readAll(t, presetUTC(t, "heidgaf"), "testdata/heidgaf.log", ref2026)
	if len(bad) > 0 || len(recs) != 1 {
		t.Fatalf("records %v, bad %v", recs, bad)
	}
	x := recs[0]
	if x.Name != "test.com" || x.QType != "AAAA" || x.RCode != "NXDOMAIN" || x.Client != "192.168.3.152" || x.ResponseBytes != 196 ||
		len(x.Answers) != 1 || x.Answers[0] != "192.168.15.34" || !x.Time.Equal(time.Date(2025, 4, 4, 14, 45, 32, 458123e3, time.UTC)) {
		t.Errorf("record %+v", x)
	}
}
