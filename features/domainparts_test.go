package features

import "testing"

func TestSplitDomain(t *testing.T) {
	cases := []struct {
		name           string
		tld, main, sub string
		labels         int
	}{
		{"www.example.com", "com", "example", "www", 3},
		{"a.b.example.co.uk", "uk", "example", "a.b", 5},
		{"x.com.au", "au", "x", "", 3},
		{"co.uk", "uk", "co", "", 2},
		{"example", "", "example", "", 1},
		{".example.com.", "com", "example", "", 2},
		{"a..b", "b", "", "a", 3},
		{"", "", "", "", 1},
		{"shop.net.com", "com", "net", "shop", 3}, // suffix rule only before two-letter TLDs
	}
	for _, c := range cases {
		p := splitDomain(c.name)
		if p.tld != c.tld || p.main != c.main || p.sub != c.sub || p.labels != c.labels {
			t.Errorf("splitDomain(%q) = %+v, want tld %q main %q sub %q labels %d", c.name, p, c.tld, c.main, c.sub, c.labels)
		}
	}
}
