package tokens

// Batch holds a batch of encoded inputs in the shape an LSTM with masking
// takes: a row-major Rows×Width matrix of ids, each row right-padded with
// Pad, and each row's length. Width is the tokenizer's MaxLen, so every
// batch of one tokenizer has the same shape.
type Batch struct {
	IDs     []int32 // len(Lengths)*Width ids
	Lengths []int32 // ids before the padding in each row
	Width   int
}

// Encode replaces the batch's contents with the encoded inputs, reusing its
// storage; it allocates only when the batch grows.
func (b *Batch) Encode(t Tokenizer, inputs []string) {
	b.Width = t.MaxLen()
	n := len(inputs) * b.Width
	if cap(b.IDs) < n {
		b.IDs = make([]int32, n)
	}
	b.IDs = b.IDs[:n]
	if cap(b.Lengths) < len(inputs) {
		b.Lengths = make([]int32, len(inputs))
	}
	b.Lengths = b.Lengths[:len(inputs)]
	for i, in := range inputs {
		b.Lengths[i] = int32(EncodePadded(t, in, b.Row(i)))
	}
}

// Rows is the number of inputs in the batch.
func (b *Batch) Rows() int { return len(b.Lengths) }

// Row returns row i of IDs, padding included.
func (b *Batch) Row(i int) []int32 { return b.IDs[i*b.Width : (i+1)*b.Width : (i+1)*b.Width] }
