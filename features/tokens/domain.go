package tokens

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// DomainAlphabet lists the characters Domain gives their own ids, in id
// order from 2: the letters, digits and hyphen of host names (RFC 1123), the
// label separator, and the underscore of service and DKIM names
// (_dmarc, _domainkey). Internationalised names arrive as punycode
// (xn--…), which this alphabet covers; any other character is Unk.
const DomainAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-._"

// DefaultDomainMaxLen is the longest name DNS can carry in text form (253
// characters without the root dot), so no valid name is cut. Woodbridge et
// al. (2016) pad to the longest name of their data; 253 is the longest any
// data can hold. The shared corpora's longest is 212 (a CDN host name).
const DefaultDomainMaxLen = 253

// DomainName is the Name of the Domain tokenizer.
const DomainName = "domain-chars"

// domainIDs maps each ASCII byte to its id; upper-case letters share their
// lower case's id, and every other byte is Unk.
var domainIDs = func() (t [utf8.RuneSelf]int32) {
	for i := range t {
		t[i] = Unk
	}
	for i := 0; i < len(DomainAlphabet); i++ {
		c := DomainAlphabet[i]
		t[c] = int32(i) + 2
		if 'a' <= c && c <= 'z' {
			t[c-'a'+'A'] = int32(i) + 2
		}
	}
	return t
}()

// Domain reads a domain name one character at a time: the name without
// its leading and trailing dots (so "example.com." and "example.com" agree),
// each character's id from DomainAlphabet, ASCII letters lower-cased, any
// other character (a code point; each byte of invalid UTF-8) Unk. A name
// longer than MaxLen keeps its last MaxLen characters, where the registered
// domain and the TLD are.
type Domain struct{ maxLen int }

// NewDomain returns a Domain tokenizer; maxLen 0 means DefaultDomainMaxLen.
func NewDomain(maxLen int) (*Domain, error) {
	if maxLen == 0 {
		maxLen = DefaultDomainMaxLen
	}
	if maxLen < 1 || maxLen > 4096 {
		return nil, fmt.Errorf("domain tokenizer: max len %d outside 1..4096", maxLen)
	}
	return &Domain{maxLen: maxLen}, nil
}

// Name implements Tokenizer.
func (d *Domain) Name() string { return DomainName }

// VocabSize implements Tokenizer: the alphabet plus Pad and Unk.
func (d *Domain) VocabSize() int { return len(DomainAlphabet) + 2 }

// MaxLen implements Tokenizer.
func (d *Domain) MaxLen() int { return d.maxLen }

// Encode implements Tokenizer: it appends the ids of name's characters,
// its last MaxLen of them, to dst.
func (d *Domain) Encode(name string, dst []int32) []int32 {
	name = strings.Trim(name, ".")
	if len(name) > d.maxLen {
		skip := utf8.RuneCountInString(name) - d.maxLen
		for ; skip > 0; skip-- {
			_, w := utf8.DecodeRuneInString(name)
			name = name[w:]
		}
	}
	for i := 0; i < len(name); {
		if c := name[i]; c < utf8.RuneSelf {
			dst = append(dst, domainIDs[c])
			i++
			continue
		}
		_, w := utf8.DecodeRuneInString(name[i:])
		dst = append(dst, Unk)
		i += w
	}
	return dst
}
