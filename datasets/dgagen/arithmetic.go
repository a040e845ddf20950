package dgagen

import (
	"math/rand/v2"
	"strings"
)

const (
	lettersAZ = "abcdefghijklmnopqrstuvwxyz"
	digits09  = "0123456789"
	vowels    = "aeiou"
	consonant = "bcdfghjklmnpqrstvwxyz"
)

// fromAlphabet draws n characters of alphabet.
func fromAlphabet(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func drawRandomLetters(r *rand.Rand) labelFunc {
	var length func(*rand.Rand) int
	switch r.IntN(3) {
	case 0:
		length = lengthDist(r, 4, 10) // short: conficker, ranbyus's shorter kin
	case 1:
		length = lengthDist(r, 8, 20)
	default:
		length = lengthDist(r, 12, 32) // long: necurs, qsnatch
	}
	return func(r *rand.Rand) string { return fromAlphabet(r, lettersAZ, length(r)) }
}

func drawRandomAlnum(r *rand.Rand) labelFunc {
	length := lengthDist(r, 6, 28)
	if r.IntN(3) == 0 {
		length = lengthDist(r, 4, 9) // short: qsnatch, m0yv
	}
	// Digits are as likely as any letter, or rarer.
	alphabet := lettersAZ + digits09
	if r.IntN(2) == 0 {
		alphabet = lettersAZ + lettersAZ + digits09[:2+r.IntN(8)]
	}
	firstLetter := r.IntN(2) == 0
	return func(r *rand.Rand) string {
		s := fromAlphabet(r, alphabet, length(r))
		if firstLetter {
			s = string(lettersAZ[r.IntN(26)]) + s[1:]
		}
		return s
	}
}

func drawPronounceable(r *rand.Rand) labelFunc {
	syllables := lengthDist(r, 2, 7)
	pattern := r.IntN(3) // 0: CV, 1: CVC, 2: mixed CV/VC
	vowelSet := vowels
	if r.IntN(3) == 0 {
		vowelSet += "y"
	}
	return func(r *rand.Rand) string {
		var b strings.Builder
		n := syllables(r)
		for i := 0; i < n; i++ {
			c := consonant[r.IntN(len(consonant))]
			v := vowelSet[r.IntN(len(vowelSet))]
			switch {
			case pattern == 0:
				b.WriteByte(c)
				b.WriteByte(v)
			case pattern == 1:
				b.WriteByte(c)
				b.WriteByte(v)
				if r.IntN(2) == 0 {
					b.WriteByte(consonant[r.IntN(len(consonant))])
				}
			default:
				if r.IntN(2) == 0 {
					b.WriteByte(c)
					b.WriteByte(v)
				} else {
					b.WriteByte(v)
					b.WriteByte(c)
				}
			}
		}
		return b.String()
	}
}

func drawSkewed(r *rand.Rand) labelFunc {
	length := lengthDist(r, 6, 20)
	perm := r.Perm(26)
	alphabet := make([]byte, 6+r.IntN(12))
	for i := range alphabet {
		alphabet[i] = lettersAZ[perm[i]]
	}
	digitTail := r.IntN(2) == 0
	tail := lengthDist(r, 1, 4)
	return func(r *rand.Rand) string {
		s := fromAlphabet(r, string(alphabet), length(r))
		if digitTail {
			s += fromAlphabet(r, digits09, tail(r))
		}
		return s
	}
}
