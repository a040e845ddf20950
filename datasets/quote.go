package datasets

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxQuoteBytes bounds how much of one value (a header cell, a line) an
// error message quotes: a binary file's "header" is a 10 KB line.
const maxQuoteBytes = 80

// maxQuoteListBytes bounds how much of a header quoteList lists.
const maxQuoteListBytes = 240

// quoteCut quotes s for an error message, escaped as Go escapes it: all of
// s up to maxQuoteBytes, else its first maxQuoteBytes (cut on a rune
// boundary) followed by "…(N bytes)", N the length of s.
func quoteCut(s string) string {
	if len(s) <= maxQuoteBytes {
		return strconv.Quote(s)
	}
	cut := maxQuoteBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + fmt.Sprintf("…(%d bytes)", len(s))
}

// quoteList renders names as "a", "b", "c" for error messages, each cut by
// quoteCut; after maxQuoteListBytes of names it stops with "… (N in all)".
func quoteList(names []string) string {
	var b strings.Builder
	used := 0
	for i, n := range names {
		q := min(len(n), maxQuoteBytes)
		if i > 0 && used+q > maxQuoteListBytes {
			fmt.Fprintf(&b, ", … (%d in all)", len(names))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteCut(n))
		used += q
	}
	return b.String()
}
