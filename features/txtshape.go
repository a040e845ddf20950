package features

import (
	"math"
	"strings"
)

// The txt-shape feature set describes what a DNS TXT record looks like,
// never which bytes it holds, so that a model learns what a tunnel's
// payload looks like in any encoding rather than the text of the tools it
// was trained on (bench/txt measures it on ten tunnel tools held out one
// at a time: ROC-AUC 0.979 pooled with trees and generated training
// data, against 0.446 for the TXT notebook's n-gram LSTM on the real data).
// It reads the raw record: no lower-casing (that would erase the
// difference between base64 and base32 or hex).
// Thresholds of Shape: a blob is at least 12 characters long and switches
// character class at least once every 8 characters ("1password-site-
// verification" switches once in 27, an MD5 in hex about once in 2).
// A run of the blob alphabet is an encoded blob (IsBlob) when it is at
// least shapeMinRun long and switches case class at least once every
// shapeSwitchEvery characters.
const (
	shapeMinRun      = 12
	shapeSwitchEvery = 8
)

// TXTShapeName and TXTShapeVersion identify the txt-shape feature set.
const (
	TXTShapeName    = "txt-shape"
	TXTShapeVersion = 1
)

// txtShapeLen is len(TXTShapeNames).
const txtShapeLen = 23

// TXTShapeSet is the txt-shape feature set, stateless: a Set over TXT
// records instead of names.
func TXTShapeSet() Set { return txtShapeSet{} }

type txtShapeSet struct{}

func (txtShapeSet) Name() string    { return TXTShapeName }
func (txtShapeSet) Version() int    { return TXTShapeVersion }
func (txtShapeSet) Names() []string { return append([]string(nil), TXTShapeNames...) }

// Extract writes the record's features; they are computed in float32, as
// the trees read them, so both widths agree exactly.
func (txtShapeSet) Extract(record string, dst []float64) {
	var buf [txtShapeLen]float32
	for i, v := range TXTShape(record, buf[:0]) {
		dst[i] = float64(v)
	}
}

// TXTShapeNames name the txt-shape features, in the order TXTShape appends them.
var TXTShapeNames = []string{
	"bytes", "words", "longest_word", "longest_blob_run", "blob_run_share",
	"entropy", "distinct_bytes", "upper_share", "lower_share", "digit_share",
	"punct_share", "high_or_control_share", "class_switch_rate", "key_length",
	"longest_hex_run", "equals", "dots", "semicolons", "plus_slash", "dash_underscore",
	"vowel_share", "longest_consonant_run", "blobs",
}

// TXTShape describes what a record looks like, never which bytes it
// holds: its length and words, the runs of the base64/base32/hex alphabet
// ([A-Za-z0-9+/_-]) and how much of the record they are, its byte entropy,
// the shares of character classes and how often they switch, the length
// of a leading "key=" or "key:", the longest hex run, counts of the
// separators encodings and policies use, how word-like its letters are
// (vowels, consonant runs) and how many encoded blobs (Shape's) it holds.
// It appends len(TXTShapeNames) values to dst.
func TXTShape(record string, dst []float32) []float32 {
	n := len(record)
	var counts [256]int
	var upper, lower, digit, punct, other, vowels, letters int
	var switches, longestConsonants, consonants int
	var last byte
	for i := 0; i < n; i++ {
		c := record[i]
		counts[c]++
		switch cl := CaseClass(c); {
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
		if cl := CaseClass(c); cl != 0 {
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
		if IsBlob(run) {
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
		for j < len(record) && InBlobAlphabet(record[j]) {
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
		case CaseClass(c) == 0 && c != '.' && c != '-' && c != '_':
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

// IsBlob reports whether a run of the blob alphabet is an encoding: at
// least shapeMinRun characters that switch case class at least once every
// shapeSwitchEvery characters.
func IsBlob(run string) bool {
	if len(run) < shapeMinRun {
		return false
	}
	switches, last := 0, byte(0)
	for i := 0; i < len(run); i++ {
		c := CaseClass(run[i])
		if c == 0 {
			continue
		}
		if last != 0 && c != last {
			switches++
		}
		last = c
	}
	return switches*shapeSwitchEvery >= len(run)
}

// InBlobAlphabet reports whether c is in the base64, base64url, base32
// and hex alphabets: [A-Za-z0-9+/_-].
func InBlobAlphabet(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '_' || c == '-'
}

// CaseClass is 'a', 'A' or '0' for a letter or digit, 0 for anything else.
func CaseClass(c byte) byte {
	switch {
	case 'a' <= c && c <= 'z':
		return 'a'
	case 'A' <= c && c <= 'Z':
		return 'A'
	case '0' <= c && c <= '9':
		return '0'
	}
	return 0
}
