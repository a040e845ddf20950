package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/registry/registrytest"
)

// samples are the real DNS server logs of datasets/dnslog's tests.
const samples = "../datasets/dnslog/testdata/"

// TestDNSLogFormatsDownstream reads real DNS server logs through every
// command that takes --format: score (a name model scores the logs'
// query names, in order), dataset ingest --kind dga (the names, with their
// bad lines) and --kind dns-domain (the domain windows of an iodine
// tunnel through dnsmasq), and features --kind dns-domain; a format file
// works as @FILE, and a bad one is a usage error naming file:line.
func TestDNSLogFormatsDownstream(t *testing.T) {
	url := registrytest.NewDatabase(t)
	publishNameModel(t, url, "dga")
	run := func(args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		err := App(&out, &errOut).Run(append([]string{"mlctl", "--db", url}, args...))
		return out.String(), errOut.String(), err
	}
	inputs := func(out string) []string {
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var m struct{ Input string }
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("line %q: %v", l, err)
			}
			got = append(got, m.Input)
		}
		return got
	}
	for _, tc := range []struct{ format, file, want string }{
		{"bind", "bind-query.log", "www.lab.test www.lab.test t.lab.test nope.lab.test other.example _ldap._tcp.lab.test www.lab.test www.lab.test www.lab.test"},
		{"dnsmasq", "dnsmasq-extra.log", "www.up.test www.up.test t.up.test alias.up.test q.nx2.test www.up.test x.nx2.test"},
		{"coredns", "coredns.log", "www.example.com www.example.com calendar.example.org example.com host.example.com abc.xyz asdf.coma abc-xyz.com vpn.example.com google.com 81.2.69.195 httpbin.org.cluster.local www.yahoo.com"},
		{"windows-dns", "windows-dns.log", "sitecheck2.opera.com ctldl.windowsupdate.com ctldl.windowsupdate.com duckduckgo.com"},
	} {
		out, errOut, err := run("score", "--model", "dga@1", "--file", samples+tc.file, "--format", tc.format, "--json")
		if err != nil {
			t.Fatalf("score --format %s: %v\n%s", tc.format, err, errOut)
		}
		if got := strings.Join(inputs(out), " "); got != tc.want {
			t.Errorf("score --format %s: inputs %s\nwant %s", tc.format, got, tc.want)
		}
	}

	// A format file, as @FILE; a bad one names its line.
	dir := t.TempDir()
	good := filepath.Join(dir, "pihole-de.json")
	os.WriteFile(good, []byte(`{"base": "pihole", "name": "pihole-utc", "time_zone": "UTC"}`), 0o644)
	out, errOut, err := run("score", "--model", "dga@1", "--file", samples+"pihole.log", "--format", "@"+good, "--json")
	if err != nil || len(inputs(out)) != 7 {
		t.Fatalf("score --format @FILE: %v\n%s\n%s", err, out, errOut)
	}
	badFile := filepath.Join(dir, "bad.json")
	os.WriteFile(badFile, []byte("{\n  \"name\": \"x\",\n  \"regexp\": \"(?P<name>\\\\S+)\"\n}\n"), 0o644)
	_, _, err = run("score", "--model", "dga@1", "--file", samples+"pihole.log", "--format", "@"+badFile)
	if err == nil || !strings.Contains(err.Error(), badFile+":3: regexp: unknown key") {
		t.Errorf("a bad format file: %v", err)
	}

	// dga ingest: the distinct query names; the unprintable one is a bad
	// line naming its field.
	out, errOut, err = run("dataset", "ingest", "--kind", "dga", "--file", samples+"dnsmasq-iodine.log", "--format", "dnsmasq",
		"--label", "1", "--family", "iodine", "--max-bad-fraction", "0.2", "--json", "iodine-names")
	if err != nil {
		t.Fatalf("ingest --kind dga: %v\n%s", err, errOut)
	}
	var rep struct {
		Rows     int
		Bad      int
		Lines    int
		Skipped  int
		FirstBad []struct {
			Line  int
			Field string
		} `json:"first_bad"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	// 7 queries and their 7 replies (skipped: the names came with the queries), 1 bad.
	if rep.Rows != 7 || rep.Bad != 1 || rep.Lines != 15 || rep.Skipped != 7 || len(rep.FirstBad) != 1 || rep.FirstBad[0].Line != 19 || rep.FirstBad[0].Field != "name" {
		t.Errorf("ingest report %s", out)
	}

	// dns-domain ingest and features: the tunnel's domain windows.
	out, errOut, err = run("dataset", "ingest", "--kind", "dns-domain", "--file", samples+"dnsmasq-iodine.log", "--format", "dnsmasq",
		"--malicious-domain", "example.attack", "--family", "iodine", "--max-bad-fraction", "0.2", "--json", "iodine-windows")
	if err != nil || !strings.Contains(out, `"kind":"dns-domain"`) {
		t.Fatalf("ingest --kind dns-domain: %v\n%s\n%s", err, out, errOut)
	}
	out, errOut, err = run("features", "--kind", "dns-domain", "--file", samples+"dnsmasq-iodine.log", "--format", "dnsmasq", "--json")
	if err != nil {
		t.Fatalf("features: %v\n%s", err, errOut)
	}
	for _, in := range inputs(out) {
		if !strings.HasPrefix(in, "example.attack@") {
			t.Errorf("features input %q, want example.attack's windows", in)
		}
	}
	if !strings.Contains(errOut, "dnsmasq-iodine.log:19: name: ") {
		t.Errorf("features stderr does not report the bad line: %s", errOut)
	}
	if _, _, err := run("dataset", "ingest", "--kind", "dns-domain", "--file", samples+"coredns.log", "--format", "unbound", "x"); err == nil || !strings.Contains(err.Error(), "bind, coredns, dnsmasq") {
		t.Errorf("an unknown format: %v", err)
	}
}
