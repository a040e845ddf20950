package dga

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
)

func synthFixture() ([]LogQuery, map[string][]string, []string) {
	benign := []LogQuery{{Name: "www.example.com", QType: "A", RCode: "NOERROR"}, {Name: "mail.example.org", QType: "A", RCode: "NOERROR"},
		{Name: "1.0.0.10.in-addr.arpa", QType: "PTR", RCode: "NOERROR"}, {Name: "_dmarc.example.net", QType: "TXT", RCode: "NOERROR"}}
	for _, n := range []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"} {
		benign = append(benign, LogQuery{Name: n + ".example.com", QType: "AAAA", RCode: "NOERROR"})
	}
	dga := map[string][]string{"fam1": {"qwpoeiruty.com", "zmxncbvlak.net", "plokijuhyg.org"}, "fam2": {"figurewagon.net", "thoughwagon.net"}}
	return benign, dga, []string{"fam1", "fam2"}
}

func TestSynthesize(t *testing.T) {
	benign, dga, fams := synthFixture()
	o := DefaultSynthOptions()
	o.BenignClients, o.InfectedClients, o.Duration = 3, 4, time.Hour
	clients, lines, err := Synthesize(o, benign, dga, fams)
	if err != nil {
		t.Fatal(err)
	}
	if len(clients) != 7 {
		t.Fatalf("%d clients, want 7", len(clients))
	}
	// Same inputs, same log.
	_, again, _ := Synthesize(o, benign, dga, fams)
	if !reflect.DeepEqual(lines, again) {
		t.Fatal("two syntheses with one seed differ")
	}
	byIP := map[string]SynthClient{}
	for i, c := range clients {
		byIP[c.IP] = c
		if want := i >= 3; c.Infected != want {
			t.Errorf("client %d (%s): infected %v, want %v", i, c.IP, c.Infected, want)
		}
		if c.BenignRate < o.BenignRate[0] || c.BenignRate > o.BenignRate[1] {
			t.Errorf("%s: benign rate %.0f outside %v", c.IP, c.BenignRate, o.BenignRate)
		}
	}
	// DGA rates spread log-evenly over the range, families round robin.
	if c := clients[3]; c.DGARate != 30 || c.Family != "fam1" {
		t.Errorf("first infected: %.1f/h %s, want 30/h fam1", c.DGARate, c.Family)
	}
	if c := clients[6]; c.DGARate < 299.9 || c.DGARate > 300.1 || c.Family != "fam2" {
		t.Errorf("last infected: %.1f/h %s, want 300/h fam2", c.DGARate, c.Family)
	}
	counts := map[string]int{}
	dgaCounts := map[string]int{}
	nx, dgaLines := 0, 0
	end := o.Start.Add(o.Duration)
	for i, l := range lines {
		if i > 0 && l.Time.Before(lines[i-1].Time) {
			t.Fatalf("line %d out of time order", i)
		}
		if l.Time.Before(o.Start) || !l.Time.Before(end) {
			t.Fatalf("line %d at %v, outside the replay", i, l.Time)
		}
		c, ok := byIP[l.Client]
		if !ok {
			t.Fatalf("line %d: unknown client %s", i, l.Client)
		}
		counts[l.Client]++
		if !l.DGA {
			continue
		}
		dgaLines++
		dgaCounts[l.Client]++
		if !c.Infected {
			t.Fatalf("benign client %s asked DGA name %s", l.Client, l.Name)
		}
		if !strings.Contains(strings.Join(dga[c.Family], " "), l.Name) {
			t.Errorf("%s (%s) asked %s, not of its family", l.Client, c.Family, l.Name)
		}
		if l.Time.Before(c.InfectedAt) {
			t.Errorf("%s asked %s before its infection at %v", l.Client, l.Name, c.InfectedAt)
		}
		if l.RCode == "NXDOMAIN" {
			nx++
		}
	}
	for _, c := range clients {
		if counts[c.IP] != c.Queries || dgaCounts[c.IP] != c.DGAQueries {
			t.Errorf("%s: %d lines (%d DGA), client says %d (%d)", c.IP, counts[c.IP], dgaCounts[c.IP], c.Queries, c.DGAQueries)
		}
		// A Poisson process at rate r over an hour: within 5 sigma.
		if d := float64(c.Queries-c.DGAQueries) - c.BenignRate; d*d > 25*c.BenignRate {
			t.Errorf("%s: %d benign queries in an hour at %.0f/h", c.IP, c.Queries-c.DGAQueries, c.BenignRate)
		}
		if c.Infected && (c.InfectedAt.Before(o.Start.Add(o.InfectedAfter[0])) || c.DGAQueries == 0) {
			t.Errorf("%s: infected at %v with %d DGA queries", c.IP, c.InfectedAt, c.DGAQueries)
		}
	}
	if share := float64(nx) / float64(dgaLines); share < 0.75 || share > 0.99 {
		t.Errorf("NXDOMAIN share of DGA queries %.2f, want about %.2f", share, o.NXDomain)
	}
}

func TestSynthesizeZipf(t *testing.T) {
	benign, dga, fams := synthFixture()
	o := DefaultSynthOptions()
	o.BenignClients, o.InfectedClients = 2, 0
	_, lines, err := Synthesize(o, benign, dga, fams)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]int{}
	for _, l := range lines {
		by[l.Name]++
	}
	if len(by) != len(benign) {
		t.Errorf("%d of %d benign names asked", len(by), len(benign))
	}
	// Zipf 1.1 over 12 names: the most popular takes about a third.
	top := 0
	for _, n := range by {
		top = max(top, n)
	}
	if share := float64(top) / float64(len(lines)); share < 0.25 || share > 0.45 {
		t.Errorf("most popular name has %.2f of the queries", share)
	}
	if _, _, err := Synthesize(o, nil, dga, fams); err == nil {
		t.Error("no benign names: no error")
	}
	o.InfectedClients = 1
	if _, _, err := Synthesize(o, benign, map[string][]string{}, []string{"nope"}); err == nil {
		t.Error("family without names: no error")
	}
}

func TestWriteZeekDNS(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 8, 0, 0, 123456000, time.UTC)
	lines := []LogLine{
		{Time: t0, Client: "10.20.0.10", LogQuery: LogQuery{Name: "www.example.com", QType: "A", RCode: "NOERROR"}},
		{Time: t0.Add(time.Second), Client: "10.20.1.10", DGA: true, LogQuery: LogQuery{Name: "qwpoeiruty.com", QType: "A", RCode: "NXDOMAIN"}},
		{Time: t0.Add(2 * time.Second), Client: "10.20.0.11", LogQuery: LogQuery{Name: "_dmarc.example.net", QType: "TXT", RCode: "NOERROR"}},
	}
	var b bytes.Buffer
	if err := WriteZeekDNS(&b, lines); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, want := range []string{"#fields\tts\tuid\tid.orig_h\t", "\tquery\t", "\tqtype_name\t", "\trcode_name\t",
		"1795161600.123456\tC0000000000\t10.20.0.10\t", "\tqwpoeiruty.com\t1\tC_INTERNET\t1\tA\t3\tNXDOMAIN\t", "\t16\tTXT\t0\tNOERROR\t"} {
		if !strings.Contains(text, want) {
			t.Errorf("dns.log lacks %q:\n%s", want, text)
		}
	}
	// Every data line has as many fields as #fields names.
	var fields int
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		if rest, ok := strings.CutPrefix(l, "#fields\t"); ok {
			fields = len(strings.Split(rest, "\t"))
		} else if !strings.HasPrefix(l, "#") && len(strings.Split(l, "\t")) != fields {
			t.Errorf("line has %d fields, #fields %d: %q", len(strings.Split(l, "\t")), fields, l)
		}
	}
	// mlctl's own Zeek reader takes it as a dns.log.
	zero := 0
	r, err := datasets.ReadDGAFrom(strings.NewReader(text), "dns.log", datasets.ReadOptions{Format: "zeek", Label: &zero})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 3 {
		t.Errorf("read back %d rows, want 3", len(r.Rows))
	}
}

func TestLabelByRCode(t *testing.T) {
	at := time.Unix(1763625600, 0)
	q := func(name, qtype string) datasets.DNSRecord {
		return datasets.DNSRecord{Time: at, Client: "127.0.0.1", Name: name, QType: qtype}
	}
	r := func(name, qtype, rcode string) datasets.DNSRecord {
		m := q(name, qtype)
		m.Response, m.RCode = true, rcode
		return m
	}
	msgs := []datasets.DNSRecord{
		q("WWW.Example.com", "A"), r("www.example.com", "A", "NOERROR"),
		q("qwpoeiruty.com", "A"), r("qwpoeiruty.com", "A", "NXDOMAIN"),
		q("both.example.org", "A"), r("both.example.org", "A", "NOERROR"), r("both.example.org", "A", "NXDOMAIN"),
		q("unanswered.example.org", "A"),
		q("failed.example.org", "A"), r("failed.example.org", "A", "SERVFAIL"),
		q("*._domainkey.example.org", "TXT"), r("*._domainkey.example.org", "TXT", "NOERROR"),
		q("_dmarc.example.org", "TXT"), r("_dmarc.example.org", "TXT", "NOERROR"),
	}
	names, unlabeled := LabelByRCode(msgs)
	want := []LogName{
		{Name: "*._domainkey.example.org", Label: 0, NotDomain: true, LogQuery: LogQuery{Name: "*._domainkey.example.org", QType: "TXT", RCode: "NOERROR"}},
		{Name: "_dmarc.example.org", Label: 0, LogQuery: LogQuery{Name: "_dmarc.example.org", QType: "TXT", RCode: "NOERROR"}},
		{Name: "qwpoeiruty.com", Label: 1, LogQuery: LogQuery{Name: "qwpoeiruty.com", QType: "A", RCode: "NXDOMAIN"}},
		{Name: "www.example.com", Label: 0, LogQuery: LogQuery{Name: "www.example.com", QType: "A", RCode: "NOERROR"}},
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("names:\n got %+v\nwant %+v", names, want)
	}
	if unlabeled != 3 {
		t.Errorf("unlabeled %d, want 3 (both codes, unanswered, SERVFAIL)", unlabeled)
	}
}

func TestHTTPHost(t *testing.T) {
	for in, want := range map[string]string{"www.alexa.com": "www.alexa.com", "cdn.example.com:8080": "cdn.example.com",
		"-": "", "(empty)": "", "": "", "192.0.2.7": "", "192.0.2.7:80": "", "[2001:db8::1]:443": "", "2001:db8::1": ""} {
		got, ok := HTTPHost(in)
		if got != want || ok != (want != "") {
			t.Errorf("HTTPHost(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestEvaluateLog(t *testing.T) {
	src := LogSource{Source: "fixture", Names: []LogName{
		{Name: "www.example.com", Label: 0}, {Name: "odd-benign.example.org", Label: 0}, {Name: "1.0.0.10.in-addr.arpa", Label: 0},
		{Name: "*._domainkey.example.org", Label: 0, NotDomain: true}, {Name: "qwpoeiruty.com", Label: 1}, {Name: "missed.com", Label: 1},
		{Name: "_x._tcp.qwpoeiruty.com", Label: 1},
	}}
	d := &Detector{Recipe: "r", Threshold: 0.9, score: map[string]float64{"www.example.com": 0.1, "odd-benign.example.org": 0.95,
		"qwpoeiruty.com": 0.99, "missed.com": 0.2}}
	r := EvaluateLog(src, d, map[string]bool{"odd-benign.example.org": true})
	if r.Distinct != 7 || r.Benign != 4 || r.DGA != 3 || r.NotDomain != 1 {
		t.Errorf("counts: %+v", r)
	}
	if r.Prefiltered["arpa"] != 1 || r.Prefiltered["service_label"] != 1 || r.PrefilteredDGA != 1 {
		t.Errorf("prefiltered %v (%d DGA)", r.Prefiltered, r.PrefilteredDGA)
	}
	if want := []ScoredName{{Name: "odd-benign.example.org", Score: 0.95, InTraining: true}}; !reflect.DeepEqual(r.BenignAlerted, want) {
		t.Errorf("benign alerted %+v", r.BenignAlerted)
	}
	if r.PerThousand != 250 || r.DGAAlerted != 1 || r.Recall != 1.0/3 {
		t.Errorf("per 1,000 %.1f, DGA alerted %d, recall %.3f", r.PerThousand, r.DGAAlerted, r.Recall)
	}
	if got := ScorableNames(src); !reflect.DeepEqual(got, []string{"www.example.com", "odd-benign.example.org", "qwpoeiruty.com", "missed.com"}) {
		t.Errorf("scorable names %v", got)
	}
}

func TestOutcome(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	clients := []SynthClient{{IP: "10.20.0.10"}, {IP: "10.20.0.11"}, {IP: "10.20.1.10", Infected: true, Family: "f", InfectedAt: at(100)},
		{IP: "10.20.1.11", Infected: true, Family: "f", InfectedAt: at(100)}}
	dq := func(s int, ip, name string) LogLine {
		return LogLine{Time: at(s), Client: ip, DGA: true, LogQuery: LogQuery{Name: name, QType: "A", RCode: "NXDOMAIN"}}
	}
	bq := func(s int, ip, name string) LogLine {
		return LogLine{Time: at(s), Client: ip, LogQuery: LogQuery{Name: name, QType: "A", RCode: "NOERROR"}}
	}
	lines := []LogLine{bq(10, "10.20.0.11", "odd.example.com"), dq(100, "10.20.1.10", "a.com"), dq(160, "10.20.1.10", "b.com"),
		dq(250, "10.20.1.10", "c.com"), dq(280, "10.20.1.10", "d.com"), bq(290, "10.20.0.11", "odd2.example.net"), bq(295, "10.20.0.11", "odd3.example.org")}
	ws := t0
	alerts := []registry.Alert{
		{Kind: registry.AlertName, Input: "a.com"}, {Kind: registry.AlertName, Input: "b.com"}, {Kind: registry.AlertName, Input: "odd.example.com"},
		// Raised at the end of a batch: its time is the newest name's, the
		// k-th name (c.com at 250 s) completed it.
		{Kind: registry.AlertClient, ClientIP: "10.20.1.10", SeenAt: at(280), WindowStart: &ws, Names: []string{"a.com", "b.com", "c.com", "d.com"}},
		{Kind: registry.AlertClient, ClientIP: "10.20.0.11", SeenAt: at(295), WindowStart: &ws, Names: []string{"odd.example.com", "odd2.example.net", "odd3.example.org"}},
	}
	r := Outcome(clients, lines, alerts, ReplayCounts{})
	if r.Infected != 2 || r.InfectedAlerted != 1 || r.DelayMedian != 150 || r.DelayMax != 150 || r.Within10Min != 1 {
		t.Errorf("infected: %d, alerted %d, delay median %.0f max %.0f, within 10 min %d", r.Infected, r.InfectedAlerted, r.DelayMedian, r.DelayMax, r.Within10Min)
	}
	if r.Benign != 2 || r.BenignAlerted != 1 || r.Clients[1].BenignDriven != 1 {
		t.Errorf("benign: %d, alerted %d", r.Benign, r.BenignAlerted)
	}
	if r.NameAlertsDGA != 2 || r.NameAlertsBenign != 1 || !reflect.DeepEqual(r.BenignNames, []string{"odd.example.com"}) {
		t.Errorf("name alerts: %d DGA, %d benign %v", r.NameAlertsDGA, r.NameAlertsBenign, r.BenignNames)
	}
}
