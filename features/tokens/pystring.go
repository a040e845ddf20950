package tokens

import (
	"unicode"
	"unicode/utf8"
)

// This file reproduces the Python 3.11 string semantics the TXT notebook relies on:
// str.lower() (full case mapping, final sigma included) and what str.split()
// and re's \s treat as whitespace. Go's unicode tables (Unicode 15.0) agree
// with Python 3.11's (Unicode 14.0) on every code point Python assigns;
// TestPyStringMatchesPython checks all of them against the interpreter.

// pyASCIISpace marks the ASCII code points Python's str.isspace accepts:
// \t \n \v \f \r, the separators 0x1C–0x1F, and the space.
var pyASCIISpace = [128]bool{
	'\t': true, '\n': true, '\v': true, '\f': true, '\r': true,
	0x1c: true, 0x1d: true, 0x1e: true, 0x1f: true, ' ': true,
}

// pyIsSpace reports whether Python's str.isspace is true for r.
func pyIsSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return pyASCIISpace[r]
	}
	return unicode.IsSpace(r)
}

// Runes whose lower case is not a single rune given by unicode.ToLower.
const (
	capitalSigma      = 'Σ'      // σ, or ς at the end of a word
	capitalIWithDot   = 'İ'      // i followed by U+0307 (SpecialCasing.txt)
	combiningDotAbove = '\u0307' // the second rune of İ's lower case
)

// appendPyLower appends Python's lower case of r to b; text is the whole
// string r was read from and r occupies text[i:j] (the final-sigma rule
// looks at the runes around it).
func appendPyLower(b []byte, r rune, text []byte, i, j int) []byte {
	switch r {
	case capitalIWithDot:
		return utf8.AppendRune(append(b, 'i'), combiningDotAbove)
	case capitalSigma:
		if finalSigma(text, i, j) {
			return utf8.AppendRune(b, 'ς')
		}
		return utf8.AppendRune(b, 'σ')
	}
	return utf8.AppendRune(b, unicode.ToLower(r))
}

// finalSigma reports whether the capital sigma at text[i:j] is in Unicode's
// Final_Sigma context, as CPython's handle_capital_sigma decides it: a cased
// rune before it and none after it, skipping case-ignorable runes both ways.
func finalSigma(text []byte, i, j int) bool {
	before := false
	for i > 0 {
		r, n := utf8.DecodeLastRune(text[:i])
		i -= n
		if !caseIgnorable(r) {
			before = cased(r)
			break
		}
	}
	if !before {
		return false
	}
	for j < len(text) {
		r, n := utf8.DecodeRune(text[j:])
		j += n
		if !caseIgnorable(r) {
			return !cased(r)
		}
	}
	return true
}

// cased is Unicode's Cased property: Lowercase, Uppercase or Lt.
func cased(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLower(r) || unicode.IsUpper(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// caseIgnorable is Unicode's Case_Ignorable property: general category Mn,
// Me, Cf, Lm or Sk, or Word_Break MidLetter, MidNumLet or Single_Quote.
func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', // Single_Quote, MidNumLet, MidLetter in ASCII
		0x00B7, 0x0387, 0x055F, 0x05F4, 0x2027, 0xFE13, 0xFE55, 0xFF1A, // MidLetter
		0x2018, 0x2019, 0x2024, 0xFE52, 0xFF07, 0xFF0E: // MidNumLet
		return true
	}
	if r < utf8.RuneSelf {
		return r == '^' || r == '`' // Sk
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
