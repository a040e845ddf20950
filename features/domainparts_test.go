package features

import "testing"

func TestSplitDomain(t *testing.T) {
	cases := []struct {
		name                   string
		tld, suffix, main, sub string
		labels                 int
	}{
		{"www.example.com", "com", "com", "example", "www", 3},
		{"a.b.example.co.uk", "uk", "co.uk", "example", "a.b", 5},
		{"x.com.au", "au", "com.au", "x", "", 3},
		{"co.uk", "uk", "uk", "co", "", 2}, // a whole name that is a suffix keeps its last label
		{"example", "", "", "example", "", 1},
		{".example.com.", "com", "com", "example", "", 2},
		{"a..b", "b", "b", "", "a", 3},
		{"", "", "", "", "", 1},
		{"shop.net.com", "com", "com", "net", "shop", 3},
		{"x7kq2.ddns.net", "net", "ddns.net", "x7kq2", "", 3},       // private section
		{"a.b.github.io", "io", "github.io", "b", "a", 4},           // private section
		{"a.b.c.kawasaki.jp", "jp", "c.kawasaki.jp", "b", "a", 5},   // *.kawasaki.jp
		{"a.city.kawasaki.jp", "jp", "kawasaki.jp", "city", "a", 4}, // !city.kawasaki.jp
		{"foo.unknowntld", "unknowntld", "unknowntld", "foo", "", 2},
	}
	for _, c := range cases {
		p := splitDomain(c.name)
		if p.tld != c.tld || p.suffix != c.suffix || p.main != c.main || p.sub != c.sub || p.labels != c.labels {
			t.Errorf("splitDomain(%q) = %+v, want tld %q suffix %q main %q sub %q labels %d", c.name, p, c.tld, c.suffix, c.main, c.sub, c.labels)
		}
	}
}
