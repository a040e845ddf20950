package lstm

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// fingerprint identifies what a training run was started with, so that a
// checkpoint is only resumed by the run it came from: a hash of the
// parameters, the examples' shapes, and a hash of their content (real
// tokens, lengths and labels; padding is never read, so it is left out).
type fingerprint struct {
	params, data          [sha256.Size]byte
	trainRows, trainWidth uint64
	validRows, validWidth uint64
}

// newFingerprint computes the fingerprint of a run.
func newFingerprint(p Params, train, valid Examples) fingerprint {
	fp := fingerprint{
		trainRows: uint64(train.Rows()), trainWidth: uint64(train.Width),
		validRows: uint64(valid.Rows()), validWidth: uint64(valid.Width),
	}
	var b []byte
	b = append(b, "mlctl-lstm params 1"...)
	for _, v := range []int{p.Vocab, p.Embed, p.Hidden, p.BatchSize, p.Epochs, p.Patience} {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	for _, v := range []float64{p.Dropout, p.LearningRate, p.Beta1, p.Beta2, p.Epsilon} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	b = binary.LittleEndian.AppendUint64(b, p.Seed)
	fp.params = sha256.Sum256(b)

	h := sha256.New()
	for _, x := range []Examples{train, valid} {
		b = binary.LittleEndian.AppendUint64(b[:0], uint64(x.Rows()))
		b = binary.LittleEndian.AppendUint64(b, uint64(x.Width))
		h.Write(b)
		for i := range x.Rows() {
			b = binary.LittleEndian.AppendUint32(b[:0], uint32(x.Lengths[i]))
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x.Labels[i]))
			for _, id := range x.Row(i) {
				b = binary.LittleEndian.AppendUint32(b, uint32(id))
			}
			h.Write(b)
		}
	}
	h.Sum(fp.data[:0])
	return fp
}

// check reports how the fingerprint of a state, got, differs from the
// run's.
func (fp fingerprint) check(got fingerprint) error {
	switch {
	case got.params != fp.params:
		return errors.New("the state was made with other params")
	case got.trainRows != fp.trainRows || got.trainWidth != fp.trainWidth ||
		got.validRows != fp.validRows || got.validWidth != fp.validWidth:
		return fmt.Errorf("the state was made with %d training sequences of width %d and %d validation sequences of width %d, not %d of width %d and %d of width %d",
			got.trainRows, got.trainWidth, got.validRows, got.validWidth,
			fp.trainRows, fp.trainWidth, fp.validRows, fp.validWidth)
	case got.data != fp.data:
		return errors.New("the state was made with other examples of the same shapes")
	}
	return nil
}
