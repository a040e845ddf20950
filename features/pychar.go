package features

import (
	"strings"
	"unicode/utf8"
)

// This file reproduces Python 3 string semantics for the characters of a Go
// string, so that heidgaf44 computes exactly what heiDGAF's detector computes in Python:
// a "character" is a Unicode code point, and a byte that is not part of valid
// UTF-8 counts as one character U+DC80..U+DCFF, as Python's surrogateescape
// error handler decodes it.

// pyRange is an inclusive range of code points.
type pyRange struct{ lo, hi rune }

// Character classes of ASCII code points, looked up without a search.
const (
	pyClassAlpha = 1 << iota
	pyClassDigit
	pyClassAlnum
	pyClassSpace
)

// pyASCIIClass holds the Python character classes of the 128 ASCII code points.
var pyASCIIClass = func() [128]uint8 {
	var t [128]uint8
	for c := rune(0); c < 128; c++ {
		if pyInRanges(c, pyAlphaRanges) {
			t[c] |= pyClassAlpha
		}
		if pyInRanges(c, pyDigitRanges) {
			t[c] |= pyClassDigit
		}
		if pyInRanges(c, pyAlnumRanges) {
			t[c] |= pyClassAlnum
		}
		if pyInRanges(c, pySpaceRanges) {
			t[c] |= pyClassSpace
		}
	}
	return t
}()

// pyDecode returns the character of s that starts at byte i and its width in
// bytes. Invalid UTF-8 bytes decode one at a time to U+DC80+byte-0x80.
func pyDecode(s string, i int) (rune, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && n == 1 {
		return 0xDC00 + rune(c), 1
	}
	return r, n
}

// pyLen is Python's len(s): the number of characters.
func pyLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
		} else {
			_, w := pyDecode(s, i)
			i += w
		}
		n++
	}
	return n
}

// pyCompare orders two strings as Python orders str values (by code point).
func pyCompare(a, b string) int {
	if isASCII(a) && isASCII(b) {
		return strings.Compare(a, b)
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ra, wa := pyDecode(a, i)
		rb, wb := pyDecode(b, j)
		if ra != rb {
			if ra < rb {
				return -1
			}
			return 1
		}
		i += wa
		j += wb
	}
	switch {
	case i < len(a):
		return 1
	case j < len(b):
		return -1
	}
	return 0
}

// pyClass returns the Python character classes of r (pyClassAlpha, ...).
func pyClass(r rune) uint8 {
	if r < 128 {
		return pyASCIIClass[r]
	}
	var c uint8
	if pyInRanges(r, pyAlphaRanges) {
		c |= pyClassAlpha
	}
	if pyInRanges(r, pyDigitRanges) {
		c |= pyClassDigit
	}
	if pyInRanges(r, pyAlnumRanges) {
		c |= pyClassAlnum
	}
	if pyInRanges(r, pySpaceRanges) {
		c |= pyClassSpace
	}
	return c
}

// pyInRanges reports whether r lies in one of the sorted ranges.
func pyInRanges(r rune, ranges []pyRange) bool {
	lo, hi := 0, len(ranges)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch {
		case r < ranges[m].lo:
			hi = m
		case r > ranges[m].hi:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}

// pyLowerLetter returns the ASCII letters (0..25, or -1) that Python's
// str.lower() produces for r. Only A-Z, a-z, U+0130 (İ → "i̇") and U+212A
// (Kelvin sign → "k") lower-case to a string containing an ASCII letter.
func pyLowerLetter(r rune) int {
	switch {
	case r >= 'a' && r <= 'z':
		return int(r - 'a')
	case r >= 'A' && r <= 'Z':
		return int(r - 'A')
	case r == 0x0130:
		return 'i' - 'a'
	case r == 0x212A:
		return 'k' - 'a'
	}
	return -1
}

// isASCII reports whether s holds only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
