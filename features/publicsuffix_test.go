package features

import "testing"

func TestPublicSuffixLen(t *testing.T) {
	for _, c := range []struct{ name, suffix string }{
		{"www.example.com", "com"},
		{"example.co.uk", "co.uk"},
		{"co.uk", "co.uk"},
		{"uk", "uk"},
		{"x7kq2.ddns.net", "ddns.net"},           // private section (dynamic DNS)
		{"a.b.github.io", "github.io"},           // private section (hosting)
		{"d1x.cloudfront.net", "cloudfront.net"}, // private section (CDN)
		{"a.b.c.kawasaki.jp", "c.kawasaki.jp"},   // *.kawasaki.jp
		{"a.city.kawasaki.jp", "kawasaki.jp"},    // !city.kawasaki.jp
		{"foo.unknowntld", "unknowntld"},         // no rule: the last label
		{"foo.bar", "bar"},
		{"host.yi.org", "org"},
		{"localhost", "localhost"},
	} {
		if got := c.name[len(c.name)-publicSuffixLen(c.name):]; got != c.suffix {
			t.Errorf("public suffix of %q = %q, want %q", c.name, got, c.suffix)
		}
	}
	if n := testing.AllocsPerRun(100, func() { publicSuffixLen("a.b.example.co.uk") }); n != 0 {
		t.Errorf("publicSuffixLen allocates %v times", n)
	}
}
