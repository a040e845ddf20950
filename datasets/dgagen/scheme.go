package dgagen

import (
	"math/rand/v2"
	"slices"
)

// Classes of schemes (Plohmann et al. 2016).
const (
	Arithmetic  = "arithmetic"
	Hash        = "hash"
	Wordlist    = "wordlist"
	Permutation = "permutation"
)

// Scheme is one way DGAs make names. Each call of its draw function picks
// one parameterisation (alphabet, lengths, dictionaries, TLDs…) and returns
// a generator of its names: one synthetic family.
type Scheme struct {
	// Name identifies the scheme, e.g. "wordlist-long".
	Name string
	// Class is Arithmetic, Hash, Wordlist or Permutation.
	Class string
	// About says what it imitates.
	About string
	draw  func(r *rand.Rand) labelFunc
}

// labelFunc makes the next registered label of a family (no TLD).
type labelFunc func(r *rand.Rand) string

// Schemes returns every scheme, in a fixed order.
func Schemes() []Scheme { return slices.Clone(schemes) }

// SchemeNames returns the names of every scheme, in Schemes' order.
func SchemeNames() []string {
	out := make([]string, len(schemes))
	for i, s := range schemes {
		out[i] = s.Name
	}
	return out
}

var schemes = []Scheme{
	{Name: "random-letters", Class: Arithmetic, About: "letters a-z from a PRNG, fixed or ranged length (conficker, necurs, ramnit, tinba, ranbyus)", draw: drawRandomLetters},
	{Name: "random-alnum", Class: Arithmetic, About: "letters and digits from a PRNG (corebot, qadars, locky, sisron)", draw: drawRandomAlnum},
	{Name: "pronounceable", Class: Arithmetic, About: "consonant-vowel syllables (pykspa, simda, kraken, proslikefan, pushdo)", draw: drawPronounceable},
	{Name: "skewed-alphabet", Class: Arithmetic, About: "a few letters of the alphabet, or letters with a digit tail (shiotob, dircrypt, padcrypt, qakbot)", draw: drawSkewed},
	{Name: "hash-hex", Class: Hash, About: "hex digest of date and seed (bamital, dyre, chinad)", draw: drawHashHex},
	{Name: "hash-base32", Class: Hash, About: "digest in base32 or base36 (newgoz, gameover, monerodownloader)", draw: drawHashBase},
	{Name: "hash-letters", Class: Hash, About: "digest bytes mapped onto letters (murofet, bumblebee, bazarbackdoor)", draw: drawHashLetters},
	{Name: "wordlist-pair", Class: Wordlist, About: "two words from one or two lists (suppobox, nymaim2, pizd)", draw: drawWordPair},
	{Name: "wordlist-long", Class: Wordlist, About: "three to six words run together (matsnu, bigviktor, rovnix-like)", draw: drawWordLong},
	{Name: "wordlist-names", Class: Wordlist, About: "first and last names, with digits or separators (suppobox's name lists)", draw: drawNames},
	{Name: "wordlist-text", Class: Wordlist, About: "words picked from a text (rovnix, gozi)", draw: drawTextWords},
	{Name: "permutation-seed", Class: Permutation, About: "a seed label with a rotating prefix or replaced characters (banjori, dnschanger)", draw: drawSeedPermutation},
	{Name: "permutation-shuffle", Class: Permutation, About: "the characters of a seed string shuffled or shifted (zloader-like, tempedreve-like)", draw: drawShuffle},
}

// lengthDist draws a family's label length distribution: fixed, or
// uniform over a range.
func lengthDist(r *rand.Rand, lo, hi int) func(r *rand.Rand) int {
	if r.IntN(4) == 0 {
		n := lo + r.IntN(hi-lo+1)
		return func(*rand.Rand) int { return n }
	}
	a := lo + r.IntN(hi-lo+1)
	b := a + r.IntN(hi-a+1)
	return func(r *rand.Rand) int { return a + r.IntN(b-a+1) }
}
