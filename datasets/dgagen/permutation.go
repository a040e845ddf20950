package dgagen

import (
	"math/rand/v2"
	"strings"
)

// seedLabel draws a family's seed string: words run together, or letters.
func seedLabel(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		ws := vocabulary(r, "noun", "adjective", "verb")
		var b strings.Builder
		for b.Len() < 10+r.IntN(12) {
			b.WriteString(ws[r.IntN(len(ws))])
		}
		return b.String()
	}
	return fromAlphabet(r, lettersAZ, 8+r.IntN(14))
}

func drawSeedPermutation(r *rand.Rand) labelFunc {
	seed := []byte(seedLabel(r))
	prefix := 2 + r.IntN(4) // banjori rewrites the first four characters
	replace := r.IntN(2) == 0
	return func(r *rand.Rand) string {
		b := append([]byte(nil), seed...)
		if replace {
			for i := 0; i < prefix && i < len(b); i++ {
				b[i] = lettersAZ[r.IntN(26)]
			}
		} else {
			for k := 0; k < prefix; k++ {
				i := r.IntN(len(b))
				b[i] = lettersAZ[r.IntN(26)]
			}
		}
		return string(b)
	}
}

func drawShuffle(r *rand.Rand) labelFunc {
	seed := []byte(seedLabel(r))
	shift := r.IntN(2) == 0
	return func(r *rand.Rand) string {
		b := append([]byte(nil), seed...)
		if shift {
			k := byte(1 + r.IntN(25))
			for i, c := range b {
				if c >= 'a' && c <= 'z' {
					b[i] = 'a' + (c-'a'+k)%26
				}
			}
			// and rotate
			n := r.IntN(len(b))
			b = append(b[n:], b[:n]...)
			return string(b)
		}
		r.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
		return string(b)
	}
}
