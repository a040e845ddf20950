package serving

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// blacklistFile is a blacklist in the formats ParseIPBlacklist reads: seed
// 003's blacklist_ips.csv keeps every address on its first row; the rest
// is one entry a line with comments.
const blacklistFile = `203.0.113.5,203.0.113.6,"198.51.100.0/24"
# known scanners
192.0.2.77          # one address
2001:db8:bad::/48
::ffff:203.0.113.200

10.66.0.0/16 ; 10.67.1.1
`

func writeBlacklist(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "blacklist_ips.csv")
	if err := os.WriteFile(path, []byte(blacklistFile), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestIPBlacklist(t *testing.T) {
	b, err := LoadIPBlacklist(writeBlacklist(t))
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != 8 {
		t.Errorf("Len %d, want 8", b.Len())
	}
	for ip, want := range map[string]bool{
		"203.0.113.5": true, "203.0.113.6": true, "203.0.113.7": false,
		"198.51.100.0": true, "198.51.100.255": true, "198.51.101.1": false,
		"192.0.2.77": true, "192.0.2.78": false,
		"2001:db8:bad:1::9": true, "2001:db8:bae::1": false,
		"203.0.113.200": true, "::ffff:203.0.113.5": true, "::ffff:198.51.100.9": true,
		"10.66.200.1": true, "10.67.1.1": true, "10.67.1.2": false,
		"fe80::1%eth0": false,
	} {
		if got := b.Contains(netip.MustParseAddr(ip)); got != want {
			t.Errorf("Contains(%s) = %v, want %v", ip, got, want)
		}
	}
	var none *IPBlacklist
	if none.Contains(netip.MustParseAddr("203.0.113.5")) || none.Len() != 0 || b.Contains(netip.Addr{}) {
		t.Error("nil blacklist or zero address matched")
	}
}

func TestIPBlacklistErrors(t *testing.T) {
	_, err := ParseIPBlacklist(strings.NewReader("# header\n192.0.2.1\n192.0.2.2, evil.example.com\n"), "bl.csv")
	if err == nil || err.Error() != `bl.csv:3: "evil.example.com" is not an IP address or CIDR prefix` {
		t.Errorf("bad entry: %v", err)
	}
	if _, err := ParseIPBlacklist(strings.NewReader("10.0.0.0/33\n"), "bl.csv"); err == nil {
		t.Error("bad prefix accepted")
	}
	if _, err := LoadIPBlacklist(filepath.Join(t.TempDir(), "missing.csv")); err == nil {
		t.Error("missing file accepted")
	}
	b, err := ParseIPBlacklist(strings.NewReader("\xef\xbb\xbf192.0.2.1\n"), "bom.csv")
	if err != nil || !b.Contains(netip.MustParseAddr("192.0.2.1")) {
		t.Errorf("byte order mark: %v", err)
	}
}
