package features

import (
	"math"
	"math/bits"
	"strings"
)

// Heidgaf44Len is the number of features of the heidgaf44 set.
const Heidgaf44Len = 44

// heidgaf44Names are heiDGAF's feature terms in _get_features order.
var heidgaf44Names = [Heidgaf44Len]string{
	"label_length", "label_max", "label_average",
	"freq_a", "freq_b", "freq_c", "freq_d", "freq_e", "freq_f", "freq_g",
	"freq_h", "freq_i", "freq_j", "freq_k", "freq_l", "freq_m", "freq_n",
	"freq_o", "freq_p", "freq_q", "freq_r", "freq_s", "freq_t", "freq_u",
	"freq_v", "freq_w", "freq_x", "freq_y", "freq_z",
	"third_full_count", "third_alpha_ratio", "third_numeric_ratio", "third_special_ratio",
	"second_full_count", "second_alpha_ratio", "second_numeric_ratio", "second_special_ratio",
	"fqdn_full_count", "fqdn_alpha_ratio", "fqdn_numeric_ratio", "fqdn_special_ratio",
	"entropy_fqdn", "entropy_third", "entropy_second",
}

// heidgaf44 is the stateless set of heiDGAF's 44 domain features.
type heidgaf44 struct{}

// Heidgaf44 returns heiDGAF's 44 domain-name features exactly as heiDGAF's
// Detector._get_features computes them, quirks included: label_max is the
// length of the alphabetically greatest label, label_average is the length of
// the name after stripping outer dots, and characters are Python characters
// (Unicode code points) classified as Python's str methods classify them.
func Heidgaf44() Set { return heidgaf44{} }

// Name implements Set.
func (heidgaf44) Name() string { return "heidgaf44" }

// Version implements Set.
func (heidgaf44) Version() int { return 1 }

// Names implements Set.
func (heidgaf44) Names() []string {
	out := make([]string, Heidgaf44Len)
	copy(out, heidgaf44Names[:])
	return out
}

// Extract implements Set; dst must hold at least Heidgaf44Len values.
func (heidgaf44) Extract(name string, dst []float64) {
	extractHeidgaf44(name, dst[:Heidgaf44Len])
}

// extractHeidgaf44 writes the 44 values for name into dst.
func extractHeidgaf44(name string, dst []float64) {
	q := strings.Trim(name, ".")
	if len(q) < len(logInt) && isASCII(q) {
		extractHeidgaf44ASCII(q, dst)
		return
	}
	second, third := splitLevels(q)

	// label_length, label_max, label_average.
	labels, best := maxLabel(q, func(a, b string) bool { return pyCompare(a, b) > 0 })
	n := pyLen(q)
	dst[0] = float64(labels)
	dst[1] = float64(pyLen(best))
	dst[2] = float64(n)

	// freq_a..freq_z over the lower-cased name, divided by the name's length.
	var letters [26]int
	if isASCII(q) {
		for i := 0; i < len(q); i++ {
			if l := asciiLetter[q[i]]; l >= 0 {
				letters[l]++
			}
		}
	} else {
		for i := 0; i < len(q); {
			r, w := pyDecode(q, i)
			if l := pyLowerLetter(r); l >= 0 {
				letters[l]++
			}
			i += w
		}
	}
	for l, c := range letters {
		if n > 0 {
			dst[3+l] = float64(c) / float64(n)
		} else {
			dst[3+l] = 0
		}
	}

	levelCounts(third, dst[29:33])
	levelCounts(second, dst[33:37])
	levelCounts(q, dst[37:41])
	dst[41] = pyEntropy(q)
	dst[42] = pyEntropy(third)
	dst[43] = pyEntropy(second)
}

// extractHeidgaf44ASCII is extractHeidgaf44 for a dot-stripped ASCII name
// shorter than len(logInt), as nearly all names are: a character is a byte,
// so lengths, comparisons and classes need no decoding. Every value is
// computed by the same operations as the general path, so they are equal
// bit for bit.
func extractHeidgaf44ASCII(q string, dst []float64) {
	second, third := splitLevels(q)

	// label_length, label_max, label_average.
	labels, best := maxLabel(q, func(a, b string) bool { return a > b })
	n := len(q)
	dst[0] = float64(labels)
	dst[1] = float64(len(best))
	dst[2] = float64(n)

	// freq_a..freq_z over the lower-cased name, divided by the name's
	// length; a letter that does not occur is 0 without a division.
	var letters [27]int32 // [26] counts the bytes that are no letter
	var present uint32
	for i := 0; i < len(q); i++ {
		l := asciiLetterOrOther[q[i]]
		letters[l]++
		present |= 1 << l
	}
	freq := dst[3:29]
	clear(freq)
	for m := present &^ (1 << 26); m != 0; m &= m - 1 {
		l := bits.TrailingZeros32(m)
		freq[l] = float64(letters[l]) / float64(n)
	}

	asciiLevelCountsOf(third, dst[29:33])
	asciiLevelCountsOf(second, dst[33:37])
	asciiLevelCountsOf(q, dst[37:41])
	dst[41] = asciiEntropyOrZero(q)
	dst[42] = asciiEntropyOrZero(third)
	dst[43] = asciiEntropyOrZero(second)
}

// asciiEntropyOrZero is pyEntropy for an ASCII string shorter than
// len(logInt).
func asciiEntropyOrZero(s string) float64 {
	if s == "" {
		return 0
	}
	return asciiEntropy(s)
}

// asciiLevelCountsOf is levelCounts for an ASCII string shorter than 1<<16.
func asciiLevelCountsOf(s string, dst []float64) {
	if s == "" {
		dst[0], dst[1], dst[2], dst[3] = 0, 0, 0, 0
		return
	}
	// One add per byte: the three counts live in 16-bit fields.
	var packed uint64
	for i := 0; i < len(s); i++ {
		packed += asciiLevelCounts[s[i]]
	}
	n := float64(len(s))
	dst[0] = n / n
	dst[1] = float64(packed&0xFFFF) / n
	dst[2] = float64(packed>>16&0xFFFF) / n
	dst[3] = float64(packed>>32&0xFFFF) / n
}

// splitLevels returns heiDGAF's second-level label (labels[-2]) and
// third-level part (the labels left of it joined by dots) of a dot-stripped name.
func splitLevels(q string) (second, third string) {
	last := strings.LastIndexByte(q, '.')
	if last < 0 {
		return "", ""
	}
	prev := strings.LastIndexByte(q[:last], '.')
	second = q[prev+1 : last]
	if prev >= 0 {
		third = q[:prev]
	}
	return second, third
}

// levelCounts writes full_count, alpha_ratio, numeric_ratio and special_ratio
// of one level into dst[0:4]; all four are 0 for an empty level.
func levelCounts(s string, dst []float64) {
	if s == "" {
		dst[0], dst[1], dst[2], dst[3] = 0, 0, 0, 0
		return
	}
	var n, alpha, digit, special int
	if len(s) < 1<<16 && isASCII(s) {
		// One add per byte: the three counts live in 16-bit fields.
		var packed uint64
		for i := 0; i < len(s); i++ {
			packed += asciiLevelCounts[s[i]]
		}
		alpha = int(packed & 0xFFFF)
		digit = int(packed >> 16 & 0xFFFF)
		special = int(packed >> 32 & 0xFFFF)
		n = len(s)
	}
	for i := n; i < len(s); {
		r, w := pyDecode(s, i)
		c := pyClass(r)
		if c&pyClassAlpha != 0 {
			alpha++
		}
		if c&pyClassDigit != 0 {
			digit++
		}
		if c&(pyClassAlnum|pyClassSpace) == 0 {
			special++
		}
		n++
		i += w
	}
	dst[0] = float64(n) / float64(n)
	dst[1] = float64(alpha) / float64(n)
	dst[2] = float64(digit) / float64(n)
	dst[3] = float64(special) / float64(n)
}

// pyEntropy is heiDGAF's calculate_entropy: the Shannon entropy in bits of
// the characters of s, summed in order of first appearance as Python does.
func pyEntropy(s string) float64 {
	if s == "" {
		return 0
	}
	if len(s) < len(logInt) && isASCII(s) {
		return asciiEntropy(s)
	}
	var ascii [128]int32
	for i := 0; i < len(s); i++ {
		if s[i] < 128 {
			ascii[s[i]]++
		}
	}
	n := float64(pyLen(s))
	var seen [2]uint64
	sum := 0.0
	for i := 0; i < len(s); {
		r, w := pyDecode(s, i)
		var count int
		if r < 128 {
			bit := uint64(1) << (r & 63)
			if seen[r>>6]&bit != 0 {
				i += w
				continue
			}
			seen[r>>6] |= bit
			count = int(ascii[r])
		} else {
			if pyContains(s[:i], r) {
				i += w
				continue
			}
			count = pyCount(s[i:], r)
		}
		p := float64(count) / n
		sum += p * (math.Log(p) / math.Ln2)
		i += w
	}
	return -sum
}

// pyContains reports whether s holds the non-ASCII character r.
func pyContains(s string, r rune) bool {
	for i := 0; i < len(s); {
		c, w := pyDecode(s, i)
		if c == r {
			return true
		}
		i += w
	}
	return false
}

// pyCount counts the non-ASCII character r in s.
func pyCount(s string, r rune) int {
	n := 0
	for i := 0; i < len(s); {
		c, w := pyDecode(s, i)
		if c == r {
			n++
		}
		i += w
	}
	return n
}

// logInt holds math.Log(i) for the small counts asciiEntropy meets.
var logInt = func() (t [256]float64) {
	for i := 1; i < len(t); i++ {
		t[i] = math.Log(float64(i))
	}
	return t
}()

// asciiEntropy is pyEntropy for an ASCII string shorter than len(logInt):
// the same terms in the same order, from a table of logarithms. It agrees
// with the Python formula to about 1e-15. The counts of the characters are
// gathered in order of first appearance without a branch per byte, so the
// running sum, whose order fixes the result, is the only serial work.
func asciiEntropy(s string) float64 {
	var counts [256]uint8
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	// firsts holds each character's count at its first appearance; a
	// later appearance finds its count already taken (0) and is overwritten.
	var firsts [len(logInt)]uint8
	m := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		k := counts[c]
		counts[c] = 0
		firsts[m] = k
		m += int((uint(k) + 255) >> 8) // 1 when k > 0
	}
	logN := logInt[len(s)]
	sum := 0.0
	for _, k := range firsts[:m] {
		sum += float64(k) * (logInt[k] - logN)
	}
	return -sum / (float64(len(s)) * math.Ln2)
}

// asciiLetter maps an ASCII byte to its lower-case letter index 0..25, or -1.
var asciiLetter = func() (t [256]int8) {
	for c := range t {
		t[c] = -1
		if c < 128 {
			t[c] = int8(pyLowerLetter(rune(c)))
		}
	}
	return t
}()

// asciiLetterOrOther is asciiLetter with 26 for the bytes that are no letter.
var asciiLetterOrOther = func() (t [256]uint8) {
	for c, l := range asciiLetter {
		t[c] = uint8(l)
		if l < 0 {
			t[c] = 26
		}
	}
	return t
}()

// asciiLevelCounts packs, for each ASCII byte, whether Python counts it as
// alpha (bits 0-15), digit (bits 16-31) and special (bits 32-47).
var asciiLevelCounts = func() (t [256]uint64) {
	for c := range 128 {
		k := pyASCIIClass[c]
		if k&pyClassAlpha != 0 {
			t[c] |= 1
		}
		if k&pyClassDigit != 0 {
			t[c] |= 1 << 16
		}
		if k&(pyClassAlnum|pyClassSpace) == 0 {
			t[c] |= 1 << 32
		}
	}
	return t
}()

// maxLabel counts the labels of q and returns the greatest by greater
// (heiDGAF's label_max: Python's string max, not the longest).
func maxLabel(q string, greater func(a, b string) bool) (labels int, best string) {
	labels = 1
	rest := q
	for first := true; ; first = false {
		dot := strings.IndexByte(rest, '.')
		label := rest
		if dot >= 0 {
			label = rest[:dot]
		}
		if first || greater(label, best) {
			best = label
		}
		if dot < 0 {
			return labels, best
		}
		labels++
		rest = rest[dot+1:]
	}
}
