package txtbench

import (
	"strings"

	"github.com/mlctl/mlctl/features"
)

// Shape rewrites a record so that what it says survives and what it
// encodes does not: in every run of at least shapeMinRun characters of
// the base64, base64url, base32 and hex alphabets ([A-Za-z0-9+/_-]) that
// switches between upper case, lower case and digits at least once every
// shapeSwitchEvery characters — an encoded blob, not a word or a name;
// leading words joined by '-' or '_' stay out of it — each letter and
// digit becomes its class: 'x' a lower-case hex letter, 'l' another
// lower-case letter, 'h' an upper-case hex letter, 'u' another upper-case
// letter, '0' a digit ('+', '/', '_' and '-' stay). The classes are lower
// case so that the TXT notebook's lower-casing, which comes after, keeps them
// apart. Everything else stays as it is, so "v=DKIM1; k=rsa; p=" and
// "google-site-verification=" keep their words while the key or token
// after them becomes a pattern of its alphabet and length, the same for
// every key and every tunnel payload in that encoding.
func Shape(record string) string {
	var b strings.Builder
	b.Grow(len(record))
	for i := 0; i < len(record); {
		j := i
		for j < len(record) && features.InBlobAlphabet(record[j]) {
			j++
		}
		if j == i {
			b.WriteByte(record[i])
			i++
			continue
		}
		words := wordPrefix(record[i:j])
		b.WriteString(record[i : i+words])
		run := record[i+words : j]
		if features.IsBlob(run) {
			for k := 0; k < len(run); k++ {
				b.WriteByte(charClass(run[k]))
			}
		} else {
			b.WriteString(run)
		}
		i = j
	}
	return b.String()
}

// wordPrefix is the length of the leading words of a run: segments of
// letters of one case, each ended by '-' or '_' ("ahrefs-site-
// verification_" before a hex token, "uberspace-mail-" before a code).
func wordPrefix(run string) int {
	n, start := 0, 0
	for i := 0; i < len(run); i++ {
		switch c := run[i]; {
		case c == '-' || c == '_':
			if i > start && oneCase(run[start:i]) {
				n = i + 1
				start = i + 1
				continue
			}
			return n
		case features.CaseClass(c) != 'a' && features.CaseClass(c) != 'A':
			return n
		}
	}
	return n
}

// oneCase reports whether a segment of letters is all lower or all upper
// case.
func oneCase(seg string) bool {
	first := features.CaseClass(seg[0])
	for i := 1; i < len(seg); i++ {
		if features.CaseClass(seg[i]) != first {
			return false
		}
	}
	return true
}

// charClass is the symbol Shape writes for one character of a blob.
func charClass(c byte) byte {
	switch {
	case 'a' <= c && c <= 'f':
		return 'x'
	case 'A' <= c && c <= 'F':
		return 'h'
	case 'g' <= c && c <= 'z':
		return 'l'
	case 'G' <= c && c <= 'Z':
		return 'u'
	case '0' <= c && c <= '9':
		return '0'
	}
	return c
}
