package tokens

import (
	"cmp"
	"fmt"
	"slices"
)

// Vocabulary maps terms to ids: Pad is 0, Unk is 1, and the kept terms
// follow from id 2, most frequent first.
//
// Which terms are kept follows scikit-learn's CountVectorizer(max_features=k)
// (1.2.1, _limit_features): the k terms with the highest corpus term
// frequency (occurrences summed over all records, not the number of records
// holding a term). scikit-learn sorts the terms by code point first and then
// ranks them with numpy's argsort, whose default quicksort is not stable, so
// which of several terms tied at the cut-off it keeps is not defined. Here
// ties go to the term that sorts first by code point (Go compares UTF-8
// bytes, which orders valid UTF-8 by code point) — what a stable sort over
// scikit-learn's sorted terms would keep. The ids follow the same order:
// count descending, then term ascending; the order is the vocabulary's
// canonical form, so the same counts always give the same bytes.
type Vocabulary struct {
	terms  []string
	counts []int64
	index  map[string]int32
}

// newVocabulary keeps the maxTerms most frequent terms of counts.
func newVocabulary(counts map[string]int64, maxTerms int) *Vocabulary {
	type termCount struct {
		term  string
		count int64
	}
	all := make([]termCount, 0, len(counts))
	for t, c := range counts {
		all = append(all, termCount{t, c})
	}
	slices.SortFunc(all, func(a, b termCount) int {
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		return cmp.Compare(a.term, b.term)
	})
	all = all[:min(len(all), maxTerms)]
	terms := make([]string, len(all))
	kept := make([]int64, len(all))
	for i, tc := range all {
		terms[i], kept[i] = tc.term, tc.count
	}
	v, _ := vocabularyOf(terms, kept) // sorted and unique by construction
	return v
}

// vocabularyOf builds a Vocabulary from terms in id order and their counts,
// checking that they are in canonical order.
func vocabularyOf(terms []string, counts []int64) (*Vocabulary, error) {
	if len(terms) != len(counts) {
		return nil, fmt.Errorf("vocabulary: %d terms but %d counts", len(terms), len(counts))
	}
	index := make(map[string]int32, len(terms))
	for i, t := range terms {
		switch {
		case t == "" || t == PadTerm || t == UnkTerm:
			return nil, fmt.Errorf("vocabulary: term %d is %q, which is reserved", i, t)
		case index[t] != 0:
			return nil, fmt.Errorf("vocabulary: term %q appears twice", t)
		case counts[i] < 1:
			return nil, fmt.Errorf("vocabulary: term %q has count %d", t, counts[i])
		case i > 0 && (counts[i] > counts[i-1] || counts[i] == counts[i-1] && t <= terms[i-1]):
			return nil, fmt.Errorf("vocabulary: term %q (count %d) is out of order after %q (count %d); want count descending, then term ascending",
				t, counts[i], terms[i-1], counts[i-1])
		}
		index[t] = int32(i) + 2
	}
	return &Vocabulary{terms: terms, counts: counts, index: index}, nil
}

// Size is the number of ids, Pad and Unk included.
func (v *Vocabulary) Size() int { return len(v.terms) + 2 }

// ID returns the id of term, or Unk when the vocabulary does not hold it.
func (v *Vocabulary) ID(term string) int32 {
	if id, ok := v.index[term]; ok {
		return id
	}
	return Unk
}

// idOf is ID for a term held in a byte slice; it does not allocate.
func (v *Vocabulary) idOf(term []byte) int32 {
	if id, ok := v.index[string(term)]; ok {
		return id
	}
	return Unk
}

// Term returns the term of id: PadTerm, UnkTerm or a kept term; ok is false
// for an id outside [0, Size()).
func (v *Vocabulary) Term(id int32) (term string, ok bool) {
	switch {
	case id == Pad:
		return PadTerm, true
	case id == Unk:
		return UnkTerm, true
	case id < 0 || int(id) >= v.Size():
		return "", false
	}
	return v.terms[id-2], true
}

// Count returns the training count of the term with the given id (0 for
// Pad, Unk and ids outside the vocabulary).
func (v *Vocabulary) Count(id int32) int64 {
	if id < 2 || int(id) >= v.Size() {
		return 0
	}
	return v.counts[id-2]
}
