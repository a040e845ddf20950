package dgagen

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// vocabulary draws the dictionary of one wordlist family: one or two of
// the lists, or a random slice of them (real families ship a few hundred
// to a few thousand words).
func vocabulary(r *rand.Rand, lists ...string) []string {
	var words []string
	for _, l := range lists {
		words = append(words, dictionaries[l]...)
	}
	if r.IntN(2) == 0 && len(words) > 60 {
		keep := 40 + r.IntN(len(words)-40)
		perm := r.Perm(len(words))[:keep]
		sub := make([]string, keep)
		for i, j := range perm {
			sub[i] = words[j]
		}
		words = sub
	}
	return words
}

// joiner draws how a family joins words: run together mostly, sometimes
// with hyphens, sometimes with digits added.
type joiner struct {
	sep       string
	digits    int // 0: none; else how many digits at the end
	digitOdds int // one name in digitOdds gets them
}

func newJoiner(r *rand.Rand) joiner {
	j := joiner{}
	if r.IntN(5) == 0 {
		j.sep = "-"
	}
	if r.IntN(5) == 0 {
		j.digits = 1 + r.IntN(4)
		j.digitOdds = 1 + r.IntN(3)
	}
	return j
}

func (j joiner) join(r *rand.Rand, words []string) string {
	s := strings.Join(words, j.sep)
	if j.digits > 0 && r.IntN(j.digitOdds) == 0 {
		s += strconv.Itoa(r.IntN(pow10(j.digits)))
	}
	if len(s) > 63 {
		s = strings.TrimRight(s[:63], "-")
	}
	return s
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

// listPairs are the dictionaries two-word and long families combine.
var listPairs = [][]string{
	{"verb", "noun"}, {"adjective", "noun"}, {"noun", "noun"}, {"verb", "verb"},
	{"noun", "verb"}, {"adjective", "adjective"}, {"function", "noun"},
	{"first", "noun"}, {"verb", "adjective"},
}

func drawWordPair(r *rand.Rand) labelFunc {
	pair := listPairs[r.IntN(len(listPairs))]
	a, b := vocabulary(r, pair[0]), vocabulary(r, pair[1])
	if r.IntN(3) == 0 { // one list for both words (suppobox)
		a = vocabulary(r, "verb", "noun", "adjective")
		b = a
	}
	j := newJoiner(r)
	return func(r *rand.Rand) string {
		return j.join(r, []string{a[r.IntN(len(a))], b[r.IntN(len(b))]})
	}
}

func drawWordLong(r *rand.Rand) labelFunc {
	var lists []string
	switch r.IntN(4) {
	case 0:
		lists = []string{"verb", "noun"}
	case 1:
		lists = []string{"verb", "noun", "adjective", "function"}
	case 2:
		lists = []string{"noun", "adjective"}
	default:
		lists = []string{"function", "verb", "noun"}
	}
	words := vocabulary(r, lists...)
	count := lengthDist(r, 3, 6)
	j := newJoiner(r)
	return func(r *rand.Rand) string {
		n := count(r)
		ws := make([]string, n)
		for i := range ws {
			ws[i] = words[r.IntN(len(words))]
		}
		return j.join(r, ws)
	}
}

func drawNames(r *rand.Rand) labelFunc {
	firsts, lasts := vocabulary(r, "first"), vocabulary(r, "last")
	form := r.IntN(4)
	j := newJoiner(r)
	return func(r *rand.Rand) string {
		f, l := firsts[r.IntN(len(firsts))], lasts[r.IntN(len(lasts))]
		switch form {
		case 0:
			return j.join(r, []string{f, l})
		case 1:
			return j.join(r, []string{l, f})
		case 2:
			return j.join(r, []string{f, firsts[r.IntN(len(firsts))]})
		default:
			return j.join(r, []string{f, l, lasts[r.IntN(len(lasts))]})
		}
	}
}

func drawTextWords(r *rand.Rand) labelFunc {
	text := dictionaries["text"]
	count := lengthDist(r, 2, 5)
	consecutive := r.IntN(2) == 0
	j := newJoiner(r)
	return func(r *rand.Rand) string {
		n := count(r)
		ws := make([]string, n)
		start := r.IntN(len(text) - n)
		for i := range ws {
			if consecutive {
				ws[i] = text[start+i]
			} else {
				ws[i] = text[r.IntN(len(text))]
			}
		}
		return j.join(r, ws)
	}
}
