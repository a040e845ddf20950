package datasets

import (
	"errors"
	"strings"
	"testing"
)

func TestNormaliseDomain(t *testing.T) {
	good := []struct{ in, want string }{
		{"example.com", "example.com"},
		{"  WWW.Example.COM.  ", "www.example.com"},
		{"bücher.de", "xn--bcher-kva.de"},
		{"BÜCHER.DE", "xn--bcher-kva.de"},
		{"xn--bcher-kva.de", "xn--bcher-kva.de"},
		{"日本語.jp", "xn--wgv71a119e.jp"},
		{"ｅｘａｍｐｌｅ．ｃｏｍ", "example.com"},
		{"_dmarc.example.com", "_dmarc.example.com"},
		{"_sip._tcp.example.org", "_sip._tcp.example.org"},
		{"r3---sn-abc.googlevideo.com", "r3---sn-abc.googlevideo.com"},
		{"-lead.example", "-lead.example"},
		{"localhost", "localhost"},
		{strings.Repeat("a", 63) + ".com", strings.Repeat("a", 63) + ".com"},
	}
	for _, c := range good {
		got, err := NormaliseDomain(c.in)
		if err != nil || got != c.want {
			t.Errorf("NormaliseDomain(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	long := strings.Repeat("abcdefghi.", 25) + "com" // 253 characters: accepted
	if got, err := NormaliseDomain(long); err != nil || got != long {
		t.Errorf("253-character name: %q, %v", got, err)
	}
	bad := []struct{ in, reason string }{
		{"", "empty"},
		{"   ", "empty"},
		{".", "empty"},
		{"a..b", "empty label"},
		{".example.com", "empty label"},
		{"example.com..", "empty label"},
		{strings.Repeat("a", 64) + ".com", "label over 63 characters"},
		{long + "x", "name over 253 characters"},
		{"ex!ample.com", "invalid character '!'"},
		{"two words.com", "invalid character ' '"},
		{"a/b.com", "invalid character '/'"},
		{"xn--zz.com", `idna: invalid label "zz"`},
		{"a\u200db.com", `idna: invalid label "a\u200db"`},
		// Invalid UTF-8 must not reach IDNA, which maps each bad byte to
		// U+FFFD and returns a punycode name (xn--bad-6t7sa.com).
		{"ba\xff\xfed.com", "not UTF-8"},
		{"\xc3.com", "not UTF-8"},
		{"bücher\xff.de", "not UTF-8"},
	}
	for _, c := range bad {
		got, err := NormaliseDomain(c.in)
		var bn *BadName
		if !errors.As(err, &bn) {
			t.Errorf("NormaliseDomain(%q) = %q, %v; want a *BadName", c.in, got, err)
			continue
		}
		if bn.Reason != c.reason || bn.Name != c.in {
			t.Errorf("NormaliseDomain(%q): reason %q name %q; want reason %q", c.in, bn.Reason, bn.Name, c.reason)
		}
	}
}

// TestNormaliseDomainIDNReadsBack: a name whose IDNA form x/net/idna then
// refuses ("ℶA" gives "xn--a-1hc", a label breaking the bidi rule) is
// refused, so every name kept normalises to itself (FuzzReadCSV found it).
func TestNormaliseDomainIDNReadsBack(t *testing.T) {
	if got, err := NormaliseDomain("ℶA"); err == nil {
		t.Fatalf("ℶA normalises to %q", got)
	}
	if got, err := NormaliseDomain("bücher.example"); err != nil || got != "xn--bcher-kva.example" {
		t.Fatalf("bücher.example: %q %v", got, err)
	}
}
