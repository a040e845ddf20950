package tokens

import (
	"errors"
	"fmt"
)

// Defaults of TXTOptions.
const (
	// DefaultTXTMaxTerms is the TXT notebook's vocabulary: vocab_size = 10002 is
	// 10,000 terms plus <pad> and <unk>.
	DefaultTXTMaxTerms = 10000
	// DefaultTXTMaxLen is the most ids one record gives. The TXT notebook has no
	// limit (it scores one record at a time at its full length); a padded
	// batch needs one. A word of L characters gives 3L n-grams, so 1536
	// holds a 512-character record, two TXT strings of 255 bytes: the
	// longest record in the shared corpora (a 429-character DKIM key) gives
	// 1275.
	DefaultTXTMaxLen = 1536
)

// TXTOptions configure FitTXT; zero fields take the defaults.
type TXTOptions struct {
	// MaxTerms is the number of n-grams kept (default 10000, 1..1000000).
	MaxTerms int `json:"max_terms"`
	// MaxLen is the most ids Encode gives one record (default 1536,
	// 1..65536). Longer records keep their first MaxLen n-grams.
	MaxLen int `json:"max_len"`
	// KeepPadding keeps the space char_wb pads each word with, so terms are
	// CountVectorizer's own (" ab", "ab "); the TXT notebook strips it (false).
	KeepPadding bool `json:"keep_padding"`
}

// withDefaults fills zero fields and checks the ranges.
func (o TXTOptions) withDefaults() (TXTOptions, error) {
	if o.MaxTerms == 0 {
		o.MaxTerms = DefaultTXTMaxTerms
	}
	if o.MaxLen == 0 {
		o.MaxLen = DefaultTXTMaxLen
	}
	switch {
	case o.MaxTerms < 1 || o.MaxTerms > 1_000_000:
		return o, fmt.Errorf("txt tokenizer: max terms %d outside 1..1000000", o.MaxTerms)
	case o.MaxLen < 1 || o.MaxLen > 65536:
		return o, fmt.Errorf("txt tokenizer: max len %d outside 1..65536", o.MaxLen)
	}
	return o, nil
}

// TXT is the TXT notebook's TXT-record tokenizer: PreprocessTXT, the char_wb
// 2–4-grams of scikit-learn's CountVectorizer (stripped of their padding as
// the seed's tokenize strips them), each looked up in a Vocabulary fitted
// on training records. A record's ids are its n-grams' in n-gram order, the
// first MaxLen of them; n-grams the vocabulary lacks give Unk.
type TXT struct {
	opts  TXTOptions
	vocab *Vocabulary
}

// TXTName is the Name of the TXT tokenizer.
const TXTName = "txt-charwb"

// FitTXT counts the n-grams of the training records (all of them, also
// those past MaxLen, as CountVectorizer counts them) and keeps the
// MaxTerms most frequent.
func FitTXT(records []string, opts TXTOptions) (*TXT, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	counts := countTerms(records, opts.KeepPadding)
	if len(counts) == 0 {
		return nil, errors.New("txt tokenizer: the training records hold no n-grams")
	}
	return &TXT{opts: opts, vocab: newVocabulary(counts, opts.MaxTerms)}, nil
}

// countTerms returns the corpus frequency of every term of records.
func countTerms(records []string, keepPadding bool) map[string]int64 {
	s := getScratch()
	defer putScratch(s)
	slot := make(map[string]int) // term → index in counts; looked up without allocating
	var counts []int64
	for _, rec := range records {
		s.analyze(rec, !keepPadding, -1)
		for _, g := range s.grams {
			b := s.bytes(g)
			if i, ok := slot[string(b)]; ok {
				counts[i]++
				continue
			}
			slot[string(b)] = len(counts)
			counts = append(counts, 1)
		}
	}
	out := make(map[string]int64, len(slot))
	for t, i := range slot {
		out[t] = counts[i]
	}
	return out
}

// Name implements Tokenizer.
func (t *TXT) Name() string { return TXTName }

// VocabSize implements Tokenizer: the kept terms plus Pad and Unk.
func (t *TXT) VocabSize() int { return t.vocab.Size() }

// MaxLen implements Tokenizer.
func (t *TXT) MaxLen() int { return t.opts.MaxLen }

// Options returns the options the tokenizer was fitted with, defaults
// filled in.
func (t *TXT) Options() TXTOptions { return t.opts }

// Vocabulary returns the fitted vocabulary.
func (t *TXT) Vocabulary() *Vocabulary { return t.vocab }

// Encode implements Tokenizer: it appends the ids of record's first MaxLen
// n-grams to dst.
func (t *TXT) Encode(record string, dst []int32) []int32 {
	s := getScratch()
	s.analyze(record, !t.opts.KeepPadding, t.opts.MaxLen)
	for _, g := range s.grams {
		dst = append(dst, t.vocab.idOf(s.bytes(g)))
	}
	putScratch(s)
	return dst
}

// Terms returns the terms Encode looks up for record, in order, at most
// MaxLen of them; it allocates and is for inspection.
func (t *TXT) Terms(record string) []string {
	terms := Analyze(record, t.opts.KeepPadding)
	return terms[:min(len(terms), t.opts.MaxLen)]
}
