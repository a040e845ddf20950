package tokens

// Reserved ids shared by every tokenizer. An embedding layer takes Pad as
// its padding index; Unk stands for a token the vocabulary does not hold.
const (
	Pad int32 = 0
	Unk int32 = 1
)

// Reserved terms name Pad and Unk in vocabularies and in debugging output.
// Neither can be a real term: TXT terms are 1–4 characters long and Domain
// terms one character.
const (
	PadTerm = "<pad>"
	UnkTerm = "<unk>"
)

// Tokenizer turns one input into token ids for a sequence model that takes
// right-padded id sequences together with their lengths (masking, or packed
// sequences as torch's pack_padded_sequence takes them).
//
// The contract:
//   - ids are in [0, VocabSize()); Encode never emits Pad, so Pad only ever
//     marks padding and an embedding can use it as padding index;
//   - Encode appends at most MaxLen() ids to dst and returns the extended
//     slice; the sequence's length is the number of ids it appended, which
//     may be 0 (an empty input). Which end of an over-long input a tokenizer
//     keeps is part of its documented rule;
//   - Encode does not allocate when dst has room for MaxLen() more ids, and
//     is safe for concurrent use;
//   - the same input always gives the same ids.
type Tokenizer interface {
	// Name identifies the tokenizer kind in manifests, e.g. "txt-charwb".
	Name() string
	// VocabSize is the number of distinct ids, Pad and Unk included: the
	// input size of an embedding layer.
	VocabSize() int
	// MaxLen is the most ids Encode appends for one input: the width of a
	// padded batch.
	MaxLen() int
	// Encode appends the ids of input to dst.
	Encode(input string, dst []int32) []int32
}

// EncodePadded writes the ids of input into row, fills the rest of row with
// Pad, and returns the sequence's length. row should be t.MaxLen() long;
// a shorter row gets the first len(row) of the ids Encode gives (and costs
// an allocation).
func EncodePadded(t Tokenizer, input string, row []int32) int {
	var ids []int32
	if len(row) >= t.MaxLen() {
		ids = t.Encode(input, row[:0])
	} else {
		ids = t.Encode(input, make([]int32, 0, t.MaxLen()))
		ids = ids[:min(len(ids), len(row))]
		copy(row, ids)
	}
	n := len(ids)
	clear(row[n:])
	return n
}
