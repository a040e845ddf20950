package prefilter

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestCheck(t *testing.T) {
	p, err := New(Options{
		InternalSuffixes: []string{"ise.acme.org", ".corp.example.net", "*.Lab.Acme.COM", "intra"},
		Allowlist:        []string{"itsfoss.com", "docs.readthedocs.org", "bbc.co.uk"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		want Reason
	}{
		// reverse lookups and home.arpa
		{"4.3.2.1.in-addr.arpa", Arpa},
		{"b.a.9.8.ip6.arpa", Arpa},
		{"printer.home.arpa", Arpa},
		{"arpa", Arpa},
		// host- and site-local names
		{"printer.local", Local},
		{"_ipp._tcp.local", Local},
		{"localhost", Local},
		{"app.localhost", Local},
		{"localhost.localdomain", Local},
		{"nas.lan", Local},
		{"router.home", Local},
		{"dc1.corp", Local},
		{"svc.internal", Local},
		{"wiki.intranet", Local},
		{"x.private", Local},
		// special-use names
		{"foo.test", SpecialUse},
		{"foo.example", SpecialUse},
		{"foo.invalid", SpecialUse},
		{"duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion", SpecialUse},
		{"x.alt", SpecialUse},
		// single labels
		{"wpad", SingleLabel},
		{"ise", SingleLabel},
		{"xjwqkzpvbn", SingleLabel},
		{"", SingleLabel},
		// service labels
		{"_vlmcs._tcp.acme.org", ServiceLabel},
		{"_dmarc.example.com", ServiceLabel},
		{"_ldap._tcp.dc._msdcs.acme.org", ServiceLabel},
		{"a._domainkey.example.com", ServiceLabel},
		// configured internal suffixes, on label boundaries
		{"ise.acme.org", InternalSuffix},
		{"node1.ise.acme.org", InternalSuffix},
		{"corp.example.net", InternalSuffix},
		{"host.corp.example.net", InternalSuffix},
		{"x.lab.acme.com", InternalSuffix},
		{"a.b.intra", InternalSuffix},
		// the allowlist: the domain, its subdomains, on label boundaries
		{"itsfoss.com", Allowlist},
		{"www.itsfoss.com", Allowlist},
		{"docs.readthedocs.org", Allowlist},
		{"x.docs.readthedocs.org", Allowlist},
		{"news.bbc.co.uk", Allowlist},
		// scored
		{"xjwqkzpvbn.com", None},
		{"www.google.com", None},
		{"notise.acme.org", None},
		{"acme.org", None},
		{"myitsfoss.com", None},
		{"readthedocs.org", None},
		{"other.readthedocs.org", None},
		{"bbc.com", None},
		{"co.uk", None},
		{"mylocal.com", None},
		{"local.com", None},
		{"arpa.com", None},
		{"x_y.example.com", None}, // "_" inside a label is not a service label
		{"earnestnessbiophysicalohax.bazar", None},
		{"a.b.c.d.e.f.g.h.com", None},
	} {
		got, ok := p.Check(c.name)
		if got != c.want || ok != (c.want != None) {
			t.Errorf("Check(%q) = %v %v, want %v", c.name, got, ok, c.want)
		}
		if c.want == InternalSuffix || c.want == Allowlist {
			if r, _ := Default().Check(c.name); r != None {
				t.Errorf("Default().Check(%q) = %v, want None (configured rules only)", c.name, r)
			}
		}
	}
	// A trailing dot is ignored.
	if r, _ := p.Check("www.itsfoss.com."); r != Allowlist {
		t.Errorf("trailing dot: %v", r)
	}
	var nilP *Prefilter
	if r, ok := nilP.Check("www.itsfoss.com"); ok || r != None {
		t.Errorf("nil Prefilter: %v %v", r, ok)
	}
}

func TestNewRefuses(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{InternalSuffixes: []string{""}}, `internal suffix "": `},
		{Options{InternalSuffixes: []string{"a..b"}}, `internal suffix "a..b": `},
		{Options{Allowlist: []string{"com"}}, `allowlist entry "com": "com" is a public suffix`},
		{Options{Allowlist: []string{"co.uk"}}, `"co.uk" is a public suffix`},
		{Options{Allowlist: []string{"github.io"}}, `"github.io" is a public suffix`},
		{Options{Allowlist: []string{"bad!name.com"}}, `allowlist entry "bad!name.com"`},
		{Options{AllowlistFile: "/nonexistent/allow.txt"}, "allowlist: open /nonexistent/allow.txt"},
	} {
		_, err := New(c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", c.o, err, c.want)
		}
	}
}

func TestReadAllowlist(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.txt", "\uFEFF# benign sites our users visit\n\nItsFoss.com\n  ubuntuforums.org   # forum\n*.readthedocs.org\nwww.bücher.de\n.example.org.\n")
	got, err := ReadAllowlist(good)
	want := []string{"itsfoss.com", "ubuntuforums.org", "readthedocs.org", "www.xn--bcher-kva.de", "example.org"}
	if err != nil || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("ReadAllowlist = %q %v, want %q", got, err, want)
	}
	p, err := New(Options{AllowlistFile: good, Allowlist: []string{"acme.org"}})
	if err != nil || p.Allowlisted() != 6 {
		t.Fatalf("New with a file: %v, %d domains", err, p.Allowlisted())
	}
	for _, n := range []string{"acme.org", "forums.ubuntuforums.org", "mlctl.readthedocs.org", "www.xn--bcher-kva.de"} {
		if r, _ := p.Check(n); r != Allowlist {
			t.Errorf("Check(%q) = %v, want allowlist", n, r)
		}
	}
	for _, c := range []struct{ content, want string }{
		{"example.com\n\nexample.org extra\n", "bad1.txt:3: \"example.org extra\": want one domain a line"},
		{"# ok\norg\n", "bad2.txt:2: \"org\" is a public suffix"},
		{"a.com\nb..com\n", "bad3.txt:2: "},
		{"a.com\nexample.co.uk,example.com\n", "bad4.txt:2: "},
	} {
		name := "bad" + c.want[3:4] + ".txt"
		_, err := ReadAllowlist(write(name, c.content))
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, c.want)) {
			t.Errorf("%s: %v, want an error containing %q", name, err, c.want)
		}
		if _, err := New(Options{AllowlistFile: filepath.Join(dir, name)}); err == nil {
			t.Errorf("New with %s: no error", name)
		}
	}
}

func TestReasonText(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Reasons() {
		b, err := r.MarshalText()
		if err != nil || string(b) != r.String() || r.String() == "" || seen[r.String()] {
			t.Fatalf("reason %d: %q %v", r, b, err)
		}
		seen[r.String()] = true
		var back Reason
		if err := back.UnmarshalText(b); err != nil || back != r {
			t.Fatalf("round trip of %q: %v %v", b, back, err)
		}
	}
	if len(seen) != 7 {
		t.Fatalf("%d reasons", len(seen))
	}
	var r Reason
	if err := r.UnmarshalText([]byte("dga")); err == nil {
		t.Fatal("unknown reason parsed")
	}
}

func TestCountsConcurrent(t *testing.T) {
	var c Counts
	if c.Map() != nil || c.Total() != 0 {
		t.Fatal("zero Counts not empty")
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				c.Add(Local)
				c.Add(None)
				c.Add(Arpa)
			}
		}()
	}
	wg.Wait()
	m := c.Map()
	if c.Get(Local) != 4000 || c.Get(Arpa) != 4000 || c.Total() != 8000 || len(m) != 2 || m["local"] != 4000 || m["arpa"] != 4000 {
		t.Fatalf("counts %v total %d", m, c.Total())
	}
}

func TestCheckDoesNotAllocate(t *testing.T) {
	p, err := New(Options{InternalSuffixes: []string{"ise.acme.org"}, Allowlist: []string{"itsfoss.com"}})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"xjwqkzpvbn.com", "a.b.c.d.www.google.com", "node.ise.acme.org", "www.itsfoss.com", "_dmarc.x.org", "printer.local", "wpad"}
	allocs := testing.AllocsPerRun(100, func() {
		for _, n := range names {
			p.Check(n)
		}
	})
	if allocs != 0 {
		t.Fatalf("Check allocates %.1f times per run", allocs)
	}
}

func BenchmarkCheck(b *testing.B) {
	allow := make([]string, 0, 10000)
	for i := range 10000 {
		allow = append(allow, "site"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+".com")
	}
	p, err := New(Options{InternalSuffixes: []string{"ise.acme.org", "corp.acme.org"}, Allowlist: allow})
	if err != nil {
		b.Fatal(err)
	}
	names := []string{"xjwqkzpvbn.com", "cdn-images.static.bluebank.com", "node.ise.acme.org", "sitexa.com", "_dmarc.x.org", "printer.local", "wpad", "kq3vxj9wzt2m.info"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Check(names[i%len(names)])
	}
}
