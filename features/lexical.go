package features

// lexicalStats are character statistics of one label that need no training.
type lexicalStats struct {
	vowelRatio     float64 // a, e, i, o, u ÷ length
	digitRatio     float64 // 0-9 ÷ length
	consonantRun   float64 // longest run of consonant letters
	uniqueRatio    float64 // distinct bytes ÷ length
	hexOnly        float64 // 1 when every byte is 0-9 or a-f and there is a digit
	letterDigitMix float64 // switches between a letter and a digit
	hyphens        float64 // count of '-'
}

// byteClass sorts an ASCII byte for lexicalStats.
const (
	classOther = iota
	classVowel
	classConsonant
	classDigit
)

// lexicalClass maps a byte to its class; upper-case letters count as letters.
var lexicalClass = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = classConsonant
		t[c-'a'+'A'] = classConsonant
	}
	for _, c := range "aeiouAEIOU" {
		t[c] = classVowel
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = classDigit
	}
	return t
}()

// lexicalCounts packs, for each byte, whether it is a vowel (bits 0-15), a
// digit (bits 16-31), a hyphen (bits 32-47) and not a lower-case hex digit
// (bits 48-63), so one add per byte counts all four (labels are far
// shorter than 1<<16).
var lexicalCounts = func() (t [256]uint64) {
	for b := range t {
		switch lexicalClass[b] {
		case classVowel:
			t[b] |= 1
		case classDigit:
			t[b] |= 1 << 16
		}
		if b == '-' {
			t[b] |= 1 << 32
		}
		if !(b >= '0' && b <= '9' || b >= 'a' && b <= 'f') {
			t[b] |= 1 << 48
		}
	}
	return t
}()

// lexicalSwitch is 1 for a (previous class, class) pair that switches
// between a letter and a digit, indexed prev<<2 | class.
var lexicalSwitch = func() (t [16]uint8) {
	letter := func(c int) bool { return c == classVowel || c == classConsonant }
	for prev := range 4 {
		for c := range 4 {
			if c == classDigit && letter(prev) || prev == classDigit && letter(c) {
				t[prev<<2|c] = 1
			}
		}
	}
	return t
}()

// lexical computes lexicalStats of s; all are 0 for an empty label. The
// loop has no data-dependent branch: names are random enough that
// branches on their bytes mispredict.
func lexical(s string) lexicalStats {
	var st lexicalStats
	if s == "" {
		return st
	}
	var seen [4]uint64
	var packed uint64
	var run, maxRun, distinct, mix int
	prev := uint8(classOther)
	for i := 0; i < len(s); i++ {
		b := s[i]
		w, bit := b>>6, b&63
		distinct += int(^seen[w] >> bit & 1)
		seen[w] |= 1 << bit
		packed += lexicalCounts[b]
		c := lexicalClass[b]
		cons := 0
		if c == classConsonant {
			cons = 1
		}
		run = (run + 1) * cons
		maxRun = max(maxRun, run)
		mix += int(lexicalSwitch[prev<<2|c&3])
		prev = c
	}
	vowels, digits := int(packed&0xFFFF), int(packed>>16&0xFFFF)
	hyphens, nonHex := int(packed>>32&0xFFFF), int(packed>>48)
	n := float64(len(s))
	st.vowelRatio = float64(vowels) / n
	st.digitRatio = float64(digits) / n
	st.consonantRun = float64(maxRun)
	st.uniqueRatio = float64(distinct) / n
	if nonHex == 0 && digits > 0 {
		st.hexOnly = 1
	}
	st.letterDigitMix = float64(mix)
	st.hyphens = float64(hyphens)
	return st
}
