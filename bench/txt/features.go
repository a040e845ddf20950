package txtbench

import (
	"math"
	"strings"
)

// ShapeFeatureNames name the columns of ShapeFeatures, in order.
var ShapeFeatureNames = []string{
	"bytes", "words", "longest_word", "longest_blob_run", "blob_run_share",
	"entropy", "distinct_bytes", "upper_share", "lower_share", "digit_share",
	"punct_share", "high_or_control_share", "class_switch_rate", "key_length",
	"longest_hex_run", "equals", "dots", "semicolons", "plus_slash", "dash_underscore",
	"vowel_share", "longest_consonant_run", "blobs",
}

// ShapeFeatures describes what a record looks like, never which bytes it
// holds: its length and words, the runs of the base64/base32/hex alphabet
// ([A-Za-z0-9+/_-]) and how much of the record they are, its byte entropy,
// the shares of character classes and how often they switch, the length
// of a leading "key=" or "key:", the longest hex run, counts of the
// separators encodings and policies use, how word-like its letters are
// (vowels, consonant runs) and how many encoded blobs (Shape's) it holds.
// It appends len(ShapeFeatureNames) values to dst.
func ShapeFeatures(record string, dst []float32) []float32 {
	n := len(record)
	var counts [256]int
	var upper, lower, digit, punct, other, vowels, letters int
	var switches, longestConsonants, consonants int
	var last byte
	for i := 0; i < n; i++ {
		c := record[i]
		counts[c]++
		switch cl := caseClass(c); {
		case cl == 'A':
			upper++
		case cl == 'a':
			lower++
		case cl == '0':
			digit++
		case c > 0x20 && c < 0x7f:
			punct++
		case c != ' ':
			other++
		}
		if cl := caseClass(c); cl != 0 {
			if last != 0 && cl != last {
				switches++
			}
			last = cl
		}
		if l := c | 0x20; 'a' <= l && l <= 'z' {
			letters++
			if strings.IndexByte("aeiou", l) >= 0 {
				vowels++
				consonants = 0
			} else {
				consonants++
				longestConsonants = max(longestConsonants, consonants)
			}
		} else {
			consonants = 0
		}
	}
	entropy, distinct := 0.0, 0
	for _, k := range counts {
		if k > 0 {
			distinct++
			p := float64(k) / float64(n)
			entropy -= p * math.Log2(p)
		}
	}
	fields := strings.Fields(record)
	longestWord := 0
	for _, w := range fields {
		longestWord = max(longestWord, len(w))
	}
	longestRun, blobs := 0, 0
	for _, run := range blobRuns(record) {
		longestRun = max(longestRun, len(run))
		if isBlob(run) {
			blobs++
		}
	}
	share := func(k int) float32 { return float32(k) / float32(max(n, 1)) }
	return append(dst,
		float32(n), float32(len(fields)), float32(longestWord), float32(longestRun), share(longestRun),
		float32(entropy), float32(distinct), share(upper), share(lower), share(digit),
		share(punct), share(other), share(switches), float32(keyLength(record)),
		float32(longestHexRun(record)), float32(counts['=']), float32(counts['.']), float32(counts[';']),
		float32(counts['+']+counts['/']), float32(counts['-']+counts['_']),
		float32(vowels)/float32(max(letters, 1)), float32(longestConsonants), float32(blobs),
	)
}

// blobRuns returns the maximal runs of [A-Za-z0-9+/_-] in record.
func blobRuns(record string) []string {
	var runs []string
	for i := 0; i < len(record); {
		j := i
		for j < len(record) && inBlobAlphabet(record[j]) {
			j++
		}
		if j > i {
			runs = append(runs, record[i:j])
			i = j
		} else {
			i++
		}
	}
	return runs
}

// keyLength is the length of a leading key of letters, digits, dots,
// dashes and underscores ended by '=' or ':' within the first 64 bytes,
// 0 when there is none.
func keyLength(record string) int {
	for i := 0; i < len(record) && i < 64; i++ {
		switch c := record[i]; {
		case c == '=' || c == ':':
			return i
		case caseClass(c) == 0 && c != '.' && c != '-' && c != '_':
			return 0
		}
	}
	return 0
}

// longestHexRun is the longest run of hex digits of one case.
func longestHexRun(record string) int {
	best, lo, up := 0, 0, 0
	for i := 0; i < len(record); i++ {
		c := record[i]
		digit := '0' <= c && c <= '9'
		if digit || 'a' <= c && c <= 'f' {
			lo++
		} else {
			lo = 0
		}
		if digit || 'A' <= c && c <= 'F' {
			up++
		} else {
			up = 0
		}
		best = max(best, lo, up)
	}
	return best
}
