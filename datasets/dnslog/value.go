package dnslog

import (
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// fieldError is a field's value that cannot be read.
type fieldError struct {
	field, reason, value string
}

func badValue(field, value, format string, args ...any) *fieldError {
	return &fieldError{field: field, reason: fmt.Sprintf(format, args...), value: value}
}

// readName reads a query name: "" for the root (nothing to score).
func (f *Format) readName(s string) (string, *fieldError) {
	raw := s
	if f.NameEncoding == EncodingWindows && strings.HasPrefix(s, "(") {
		var err error
		if s, err = decodeWindowsName(s); err != nil {
			// A label whose length does not match (an edited log):
			// the markers still separate the labels.
			if s, err = splitWindowsName(raw); err != nil {
				return "", badValue(FieldName, raw, "%v", err)
			}
		}
	} else {
		// Windows writes some names dotted, with a leading dot.
		if f.NameEncoding == EncodingWindows {
			s = strings.TrimPrefix(s, ".")
		}
		s = strings.TrimSuffix(s, ".")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return "", badValue(FieldName, raw, "a control character or space in the name")
		}
	}
	if strings.HasPrefix(s, ".") || strings.Contains(s, "..") {
		return "", badValue(FieldName, raw, "an empty label")
	}
	return s, nil
}

// decodeWindowsName decodes "(3)www(7)example(3)com(0)": each label after
// its length in parentheses, ending with (0).
func decodeWindowsName(s string) (string, error) {
	var b strings.Builder
	rest := s
	for {
		if !strings.HasPrefix(rest, "(") {
			return "", fmt.Errorf("want (length) before each label")
		}
		end := strings.IndexByte(rest, ')')
		if end < 0 {
			return "", fmt.Errorf("unclosed (length)")
		}
		n, err := strconv.Atoi(rest[1:end])
		if err != nil || n < 0 || n > 63 {
			return "", fmt.Errorf("label length %q is not 0 to 63", rest[1:end])
		}
		rest = rest[end+1:]
		if n == 0 {
			if rest != "" {
				return "", fmt.Errorf("text after the closing (0)")
			}
			return b.String(), nil
		}
		if len(rest) < n {
			return "", fmt.Errorf("label shorter than its length %d", n)
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(rest[:n])
		rest = rest[n:]
		if rest == "" {
			// Some writers leave out the final (0).
			return b.String(), nil
		}
	}
}

// windowsLength is a label length marker of the Windows form.
var windowsLength = regexp.MustCompile(`\(\d{1,2}\)`)

// splitWindowsName decodes the Windows form by its markers alone.
func splitWindowsName(s string) (string, error) {
	if !strings.HasSuffix(s, "(0)") {
		return "", fmt.Errorf("want (length) before each label and (0) at the end")
	}
	parts := windowsLength.Split(strings.TrimSuffix(s, "(0)"), -1)
	if len(parts) < 2 || parts[0] != "" {
		return "", fmt.Errorf("want (length) before each label")
	}
	for _, p := range parts[1:] {
		if p == "" {
			return "", fmt.Errorf("an empty label")
		}
	}
	return strings.Join(parts[1:], "."), nil
}

// readClient reads a client address: "1.2.3.4", "::1", "[::1]".
func readClient(s string) (string, *fieldError) {
	a := strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	addr, err := netip.ParseAddr(a)
	if err != nil {
		return "", badValue(FieldClient, s, "not an IP address")
	}
	return addr.Unmap().String(), nil
}

// readQType reads a query type as its mnemonic: "a" is "A", "type=65",
// "TYPE65" and "65" are "HTTPS", an unknown number "TYPE<n>".
func readQType(s string) (string, *fieldError) {
	u := strings.ToUpper(s)
	num := ""
	switch {
	case strings.HasPrefix(u, "TYPE="):
		num = u[5:]
	case strings.HasPrefix(u, "TYPE") && len(u) > 4 && u[4] >= '0' && u[4] <= '9':
		num = u[4:]
	case u != "" && u[0] >= '0' && u[0] <= '9':
		num = u
	}
	if num != "" {
		n, err := strconv.ParseUint(num, 10, 16)
		if err != nil {
			return "", badValue(FieldQType, s, "not a query type")
		}
		if m, ok := dns.TypeToString[uint16(n)]; ok {
			return m, nil
		}
		return "TYPE" + strconv.FormatUint(n, 10), nil
	}
	if u == "" || !isMnemonic(u) {
		return "", badValue(FieldQType, s, "not a query type")
	}
	return u, nil
}

// normalRCode reads a response code's mnemonic, upper-cased ("NOERROR",
// "NXDOMAIN", "RCODE12").
func normalRCode(s string) (string, bool) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if u == "" || !isMnemonic(u) {
		return "", false
	}
	return u, true
}

// isMnemonic reports whether s is upper-case letters, digits and hyphens.
func isMnemonic(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return len(s) <= 32
}

// readBytes reads a size in bytes: "80", or heiDGAF's "80b".
func readBytes(s string) (int, *fieldError) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(s, "b"), "B"))
	if err != nil || n < 0 || n > 1<<20 {
		return 0, badValue(FieldBytes, s, "not a size in bytes")
	}
	return n, nil
}

// readTime parses a time with the format's layouts, in its zone; ref picks
// the year of a layout without one. The result is UTC.
func (f *Format) readTime(s string, ref time.Time) (time.Time, *fieldError) {
	for _, layout := range f.TimeLayouts {
		if layout == LayoutUnix {
			if t, ok := parseUnix(s); ok {
				return t, nil
			}
			continue
		}
		t, err := time.ParseInLocation(layout, s, f.loc)
		if err != nil {
			continue
		}
		if t.Year() == 0 {
			t = withYear(t, ref.In(f.loc))
		}
		return t.UTC(), nil
	}
	return time.Time{}, badValue(FieldTime, s, "not a time in any of the layouts %q", f.TimeLayouts)
}

// withYear gives t (parsed without a year) the year that puts it at most a
// day after ref: a syslog line of December read in January is last year's.
func withYear(t, ref time.Time) time.Time {
	y := ref.Year()
	c := time.Date(y, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	if c.After(ref.Add(24 * time.Hour)) {
		c = time.Date(y-1, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	}
	return c
}

// parseUnix parses epoch seconds with an optional fraction, exactly.
func parseUnix(s string) (time.Time, bool) {
	sec, frac, _ := strings.Cut(s, ".")
	secs, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || secs < 0 || secs > math.MaxInt32*4 {
		return time.Time{}, false
	}
	var nsec int64
	if frac != "" {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		v, err := strconv.ParseUint(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		nsec = int64(v)
	}
	return time.Unix(secs, nsec).UTC(), true
}
