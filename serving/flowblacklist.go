package serving

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"strings"
)

// IPBlacklist is a set of IP addresses and CIDR prefixes, IPv4 and IPv6.
type IPBlacklist struct {
	// byBits holds the masked prefixes of each length; bits lists the
	// lengths present, longest first.
	byBits map[int]map[netip.Prefix]struct{}
	bits   []int
	n      int
}

// LoadIPBlacklist reads a blacklist file; see ParseIPBlacklist.
func LoadIPBlacklist(path string) (*IPBlacklist, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load blacklist: %w", err)
	}
	defer f.Close()
	return ParseIPBlacklist(f, path)
}

// ParseIPBlacklist reads IP addresses and CIDR prefixes ("203.0.113.7",
// "198.51.100.0/24", "2001:db8::/32"), separated by commas, blanks or line
// breaks; '#' starts a comment that runs to the end of the line and double
// quotes around an entry are ignored. So both one entry a line and seed
// 003's blacklist_ips.csv — every address on the first row of a CSV file —
// read as expected. An entry that is neither an address nor a prefix is an
// error naming file, line and entry.
func ParseIPBlacklist(r io.Reader, file string) (*IPBlacklist, error) {
	b := &IPBlacklist{byBits: make(map[int]map[netip.Prefix]struct{})}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\xef\xbb\xbf")
		}
		line, _, _ = strings.Cut(line, "#")
		for _, e := range strings.FieldsFunc(line, func(c rune) bool { return c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\r' }) {
			e = strings.Trim(e, `"'`)
			if e == "" {
				continue
			}
			p, err := parseBlacklistEntry(e)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %q is not an IP address or CIDR prefix", file, n, e)
			}
			b.add(p)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read blacklist %s: %w", file, err)
	}
	return b, nil
}

// parseBlacklistEntry reads an address (as a full-length prefix) or a
// prefix, with IPv4-mapped IPv6 turned into IPv4.
func parseBlacklistEntry(e string) (netip.Prefix, error) {
	if strings.Contains(e, "/") {
		p, err := netip.ParsePrefix(e)
		if err != nil {
			return p, err
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			return netip.PrefixFrom(a.Unmap(), p.Bits()-96).Masked(), nil
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(e)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap().WithZone("")
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func (b *IPBlacklist) add(p netip.Prefix) {
	m := b.byBits[p.Bits()]
	if m == nil {
		m = make(map[netip.Prefix]struct{})
		b.byBits[p.Bits()] = m
		b.bits = append(b.bits, p.Bits())
		slices.SortFunc(b.bits, func(x, y int) int { return y - x })
	}
	if _, ok := m[p]; !ok {
		m[p] = struct{}{}
		b.n++
	}
}

// Len counts the distinct entries.
func (b *IPBlacklist) Len() int {
	if b == nil {
		return 0
	}
	return b.n
}

// Contains reports whether ip is listed or inside a listed prefix. A nil
// blacklist contains nothing.
func (b *IPBlacklist) Contains(ip netip.Addr) bool {
	if b == nil || !ip.IsValid() {
		return false
	}
	ip = ip.Unmap().WithZone("")
	for _, bits := range b.bits {
		if bits > ip.BitLen() {
			continue
		}
		p, err := ip.Prefix(bits)
		if err != nil {
			continue
		}
		if _, ok := b.byBits[bits][p]; ok {
			return true
		}
	}
	return false
}
