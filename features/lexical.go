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

// lexical computes lexicalStats of s; all are 0 for an empty label.
func lexical(s string) lexicalStats {
	var st lexicalStats
	if s == "" {
		return st
	}
	var seen [4]uint64
	var vowels, digits, run, maxRun, distinct, mix, hyphens int
	hex := true
	prev := uint8(classOther)
	for i := 0; i < len(s); i++ {
		b := s[i]
		if seen[b>>6]&(1<<(b&63)) == 0 {
			seen[b>>6] |= 1 << (b & 63)
			distinct++
		}
		c := lexicalClass[b]
		switch c {
		case classVowel:
			vowels++
		case classDigit:
			digits++
		}
		if c == classConsonant {
			run++
			if run > maxRun {
				maxRun = run
			}
		} else {
			run = 0
		}
		if (c == classDigit && (prev == classVowel || prev == classConsonant)) ||
			(prev == classDigit && (c == classVowel || c == classConsonant)) {
			mix++
		}
		if b == '-' {
			hyphens++
		}
		if !(b >= '0' && b <= '9' || b >= 'a' && b <= 'f') {
			hex = false
		}
		prev = c
	}
	n := float64(len(s))
	st.vowelRatio = float64(vowels) / n
	st.digitRatio = float64(digits) / n
	st.consonantRun = float64(maxRun)
	st.uniqueRatio = float64(distinct) / n
	if hex && digits > 0 {
		st.hexOnly = 1
	}
	st.letterDigitMix = float64(mix)
	st.hyphens = float64(hyphens)
	return st
}
