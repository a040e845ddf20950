package lstm

import "fmt"

// Sequences is a batch of token sequences in the shape features/tokens'
// Batch encodes: a row-major Rows×Width matrix of ids, each row
// right-padded (with Pad, though the padding is never read), and each
// row's length. A row's score depends only on its first Lengths[i] ids.
type Sequences struct {
	// IDs holds Rows()·Width token ids in [0, Vocab).
	IDs []int32
	// Lengths holds each row's number of real tokens, in [0, Width]; a
	// row of length 0 scores as the linear layer's bias alone.
	Lengths []int32
	// Width is the number of ids per row.
	Width int
}

// Rows is the number of sequences.
func (s Sequences) Rows() int { return len(s.Lengths) }

// Row returns the real tokens of sequence i, without its padding.
func (s Sequences) Row(i int) []int32 {
	return s.IDs[i*s.Width : i*s.Width+int(s.Lengths[i])]
}

// validate checks the shape and that every real token is in [0, vocab).
func (s Sequences) validate(vocab int) error {
	if s.Width < 0 || len(s.IDs) != len(s.Lengths)*s.Width {
		return fmt.Errorf("lstm: sequences: %d ids for %d rows of width %d", len(s.IDs), len(s.Lengths), s.Width)
	}
	for i, n := range s.Lengths {
		if n < 0 || int(n) > s.Width {
			return fmt.Errorf("lstm: sequences: row %d has length %d, want 0..%d", i, n, s.Width)
		}
		for j, id := range s.Row(i) {
			if id < 0 || int(id) >= vocab {
				return fmt.Errorf("lstm: sequences: row %d token %d is id %d, want 0..%d", i, j, id, vocab-1)
			}
		}
	}
	return nil
}
