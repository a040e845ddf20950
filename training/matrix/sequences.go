package matrix

// Sequences is a batch of token sequences as features/tokens' Batch encodes
// them, the input of a sequence learner: a row-major Rows×Width matrix of
// ids, each row right-padded, and each row's number of real tokens.
type Sequences struct {
	// IDs holds Rows()·Width token ids.
	IDs []int32
	// Lengths holds each row's number of real tokens, in [0, Width].
	Lengths []int32
	// Width is the number of ids per row.
	Width int
}

// Rows is the number of sequences.
func (s Sequences) Rows() int { return len(s.Lengths) }
