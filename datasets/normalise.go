package datasets

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// MaxNameLength is the longest domain name accepted, in characters of its
// ASCII (punycode) form without the trailing dot.
const MaxNameLength = 253

// MaxLabelLength is the longest label accepted, in characters of its ASCII form.
const MaxLabelLength = 63

// BadName is the error NormaliseDomain returns for a name a DNS resolver
// could not carry. Reason is short enough to show to the person who supplied it.
type BadName struct {
	// Name is the input as given.
	Name string
	// Reason says what is wrong, e.g. "label over 63 characters".
	Reason string
}

// Error implements error.
func (e *BadName) Error() string {
	return fmt.Sprintf("bad domain name %q: %s", e.Name, e.Reason)
}

// lookup maps Unicode names to punycode the way resolvers do, but accepts
// what real DNS traffic carries: underscores (_dmarc, _sip._tcp) and hyphens
// anywhere (r3---sn-abc.googlevideo.com).
var lookup = idna.New(
	idna.MapForLookup(),
	idna.Transitional(false),
	idna.StrictDomainName(false),
	idna.CheckHyphens(false),
	idna.BidiRule(),
)

// NormaliseDomain returns the canonical form of a domain name: trimmed,
// lower-case, without one trailing dot, Unicode labels in punycode. It
// returns a *BadName when s is not valid UTF-8 (checked before IDNA, which
// would map each bad byte to U+FFFD and return a punycode name), or when the
// result is empty, longer than 253 characters, has an empty label or one
// over 63 characters, or holds a character other than a-z, 0-9, '-', '_'
// and '.'.
func NormaliseDomain(s string) (string, error) {
	in := s
	s = strings.TrimSpace(s)
	if !plainASCII(s) {
		if !utf8.ValidString(s) {
			return "", &BadName{Name: in, Reason: "not UTF-8"}
		}
		a, err := lookup.ToASCII(s)
		if err != nil {
			return "", &BadName{Name: in, Reason: err.Error()}
		}
		// x/net/idna checks the bidi rule of a punycode label it reads,
		// not always of one it writes ("ℶA" gives "xn--a-1hc", which it
		// then refuses): a name is kept only in a form that reads back.
		if back, err := lookup.ToASCII(a); err != nil || back != a {
			return "", &BadName{Name: in, Reason: fmt.Sprintf("its IDNA form %q does not read back as a name", a)}
		}
		s = a
	}
	s = strings.ToLower(s)
	s = strings.TrimSuffix(s, ".")
	if reason := invalidName(s); reason != "" {
		return "", &BadName{Name: in, Reason: reason}
	}
	return s, nil
}

// plainASCII reports whether s needs no IDNA processing: only letters,
// digits, '-', '_' and '.', and no label that claims to be punycode.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-', c == '_', c == '.':
		default:
			return false
		}
		if (i == 0 || s[i-1] == '.') && len(s)-i >= 4 && strings.EqualFold(s[i:i+4], "xn--") {
			return false
		}
	}
	return true
}

// invalidName returns why the lower-case ASCII name s is not a DNS name, or "".
func invalidName(s string) string {
	if s == "" {
		return "empty"
	}
	if len(s) > MaxNameLength {
		return fmt.Sprintf("name over %d characters", MaxNameLength)
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			switch n := i - start; {
			case n == 0:
				return "empty label"
			case n > MaxLabelLength:
				return fmt.Sprintf("label over %d characters", MaxLabelLength)
			}
			start = i + 1
			continue
		}
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			r := []rune(s[i:])[0]
			return fmt.Sprintf("invalid character %q", r)
		}
	}
	return ""
}

// MaxTXTLength is the longest TXT record accepted, in bytes: what one DNS
// message can carry.
const MaxTXTLength = 65535

// zeekTXTPrefix is how Zeek writes each string of a TXT answer:
// "TXT <length> <string>", several strings joined by a space.
var zeekTXTPrefix = regexp.MustCompile(`^TXT ([0-9]+)( |$)`)

// IsZeekTXT reports whether a Zeek dns.log answer is a TXT record (and
// not, say, the CNAME a TXT query went through).
func IsZeekTXT(answer string) bool { return zeekTXTPrefix.MatchString(strings.TrimSpace(answer)) }

// ZeekTXT turns a TXT answer as Zeek's dns.log writes it, "TXT 3 abc TXT 2
// de", into the record's strings concatenated ("abcde"), as SPF and DKIM
// read a TXT record; text that is not in that form is returned as it is.
// Only a Zeek answer is read this way: a record from anywhere else (a
// list, dnstap, the HTTP API) is its own text, even one that starts with
// "TXT 3 ", so the same record gives the same input from every source.
func ZeekTXT(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	rest := s
	for {
		m := zeekTXTPrefix.FindStringSubmatchIndex(rest)
		if m == nil {
			break
		}
		n, err := strconv.Atoi(rest[m[2]:m[3]])
		body := rest[m[1]:]
		if err != nil || n > len(body) {
			// The length does not fit (a rewritten log): keep the rest.
			b.WriteString(body)
			return b.String()
		}
		b.WriteString(body[:n])
		rest = body[n:]
		if !strings.HasPrefix(rest, " TXT ") {
			b.WriteString(rest)
			return b.String()
		}
		rest = rest[1:]
	}
	if b.Len() == 0 {
		return s
	}
	return b.String() + rest
}

// NormaliseTXT cleans one TXT record: surrounding white space trimmed;
// empty, over MaxTXTLength bytes or not UTF-8 is an error. Everything else
// (quotes, case, inner spaces) is kept: the tokenizer decides what it
// means. It is idempotent. A Zeek answer is read with ZeekTXT first.
func NormaliseTXT(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", &BadName{Name: s, Reason: "empty"}
	case len(s) > MaxTXTLength:
		return "", &BadName{Name: s, Reason: fmt.Sprintf("over %d bytes", MaxTXTLength)}
	case !utf8.ValidString(s):
		return "", &BadName{Name: s, Reason: "not UTF-8"}
	}
	return s, nil
}
