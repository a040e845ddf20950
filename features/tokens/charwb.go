package tokens

import (
	"sync"
	"unicode/utf8"
)

// The n-gram lengths of the TXT notebook's CountVectorizer(ngram_range=(2, 4)).
const (
	minGram = 2
	maxGram = 4
)

// charWBScratch runs scikit-learn's char_wb analyzer (1.2.1,
// VectorizerMixin._char_wb_ngrams) over a lower-cased text:
//
//   - the text is split into words at runs of whitespace (str.split() with
//     no argument, after re.sub(r"\s\s+", " ", ...), which cannot change it);
//   - each word w becomes " " + w + " ";
//   - for n = 2, 3, 4 it yields every n-gram of that padded word, left to
//     right, all 2-grams before the 3-grams; when the padded word is no
//     longer than n it yields the padded word once and moves to the next
//     word (so a one-character word " a " gives " a", "a ", " a " and no
//     4-gram);
//   - characters are code points.
//
// The TXT notebook's tokenize then strips each n-gram (str.strip), which removes
// that padding: " ab" becomes "ab" and " a " becomes "a". trim selects the
// seed's form; without it the terms are CountVectorizer's own.
//
// Its buffers are reused through a sync.Pool, so encoding allocates nothing.
type charWBScratch struct {
	text   []byte  // the record after the TXT notebook's replacements
	norm   []byte  // " w1 w2 … wk ": lower-cased words, each space shared
	offs   []int32 // byte offset in norm of each rune, then len(norm)
	spaces []int32 // rune index in norm of each space
	grams  []gram  // the n-grams, as byte ranges of norm
}

// gram is an n-gram as the byte range norm[start:end].
type gram struct{ start, end int32 }

// maxPooledScratch bounds the buffers kept for reuse, so one huge record
// does not pin its memory.
const maxPooledScratch = 1 << 16

var scratchPool = sync.Pool{New: func() any { return new(charWBScratch) }}

func getScratch() *charWBScratch { return scratchPool.Get().(*charWBScratch) }

func putScratch(s *charWBScratch) {
	if cap(s.norm) > maxPooledScratch || cap(s.grams) > maxPooledScratch {
		return
	}
	scratchPool.Put(s)
}

// analyze runs the TXT notebook's preprocessing and the char_wb analyzer over
// record, keeping at most limit n-grams (all when limit < 0), in s.grams.
func (s *charWBScratch) analyze(record string, trim bool, limit int) {
	s.text = appendNotebookCleaned(s.text[:0], record)
	s.normalize()
	s.ngrams(trim, limit)
}

// normalize lower-cases s.text as Python's str.lower() does and lays its
// words out in s.norm, one space before, between and after them.
func (s *charWBScratch) normalize() {
	text := s.text
	s.norm = append(s.norm[:0], ' ')
	s.offs = append(s.offs[:0], 0)
	s.spaces = append(s.spaces[:0], 0)
	inWord := false
	for i := 0; i < len(text); {
		var r rune
		n := 1
		if c := text[i]; c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, n = utf8.DecodeRune(text[i:])
		}
		if pyIsSpace(r) {
			if inWord {
				s.space()
				inWord = false
			}
			i += n
			continue
		}
		inWord = true
		switch {
		case 'A' <= r && r <= 'Z':
			s.offs = append(s.offs, int32(len(s.norm)))
			s.norm = append(s.norm, byte(r)+'a'-'A')
		case r < utf8.RuneSelf:
			s.offs = append(s.offs, int32(len(s.norm)))
			s.norm = append(s.norm, byte(r))
		default:
			// The lower case of a rune may be two runes (İ), so record the
			// start of each rune appended.
			from := len(s.norm)
			s.norm = appendPyLower(s.norm, r, text, i, i+n)
			for k := from; k < len(s.norm); {
				_, w := utf8.DecodeRune(s.norm[k:])
				s.offs = append(s.offs, int32(k))
				k += w
			}
		}
		i += n
	}
	if inWord {
		s.space()
	}
	s.offs = append(s.offs, int32(len(s.norm)))
}

// space appends the space that ends one word and starts the next.
func (s *charWBScratch) space() {
	s.spaces = append(s.spaces, int32(len(s.offs)))
	s.offs = append(s.offs, int32(len(s.norm)))
	s.norm = append(s.norm, ' ')
}

// ngrams fills s.grams with the n-grams of every padded word of s.norm in
// _char_wb_ngrams's order, stopping after limit of them when limit >= 0.
func (s *charWBScratch) ngrams(trim bool, limit int) {
	s.grams = s.grams[:0]
	for k := 1; k < len(s.spaces); k++ {
		first, last := int(s.spaces[k-1]), int(s.spaces[k]) // rune indices of the padding
		width := last - first + 1
		for n := minGram; n <= maxGram; n++ {
			if n >= width {
				if !s.add(first, last+1, first, last, trim, limit) {
					return
				}
				break
			}
			for at := first; at+n <= last+1; at++ {
				if !s.add(at, at+n, first, last, trim, limit) {
					return
				}
			}
		}
	}
}

// add records the n-gram of runes [from, to) of the word padded at rune
// indices first and last, and reports whether there is room for more.
func (s *charWBScratch) add(from, to, first, last int, trim bool, limit int) bool {
	if limit >= 0 && len(s.grams) >= limit {
		return false
	}
	if trim {
		if from == first {
			from++
		}
		if to == last+1 {
			to--
		}
	}
	s.grams = append(s.grams, gram{s.offs[from], s.offs[to]})
	return limit < 0 || len(s.grams) < limit
}

// bytes returns the text of g.
func (s *charWBScratch) bytes(g gram) []byte { return s.norm[g.start:g.end] }

// Analyze returns the terms the TXT notebook makes of record: PreprocessTXT, then
// the char_wb 2–4-grams, stripped of their padding spaces unless
// keepPadding. It allocates; it is for inspection and tests.
func Analyze(record string, keepPadding bool) []string {
	s := getScratch()
	defer putScratch(s)
	s.analyze(record, !keepPadding, -1)
	out := make([]string, len(s.grams))
	for i, g := range s.grams {
		out[i] = string(s.bytes(g))
	}
	return out
}
