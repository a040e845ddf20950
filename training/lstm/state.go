package lstm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
)

// Checkpoint state, version 1: little-endian binary,
//
//	magic "mlctl-lstm-state", version u32,
//	params hash [32], data hash [32],
//	train rows u64, train width u64, valid rows u64, valid width u64,
//	epochs finished u32, best epoch u32, epochs since the best u32,
//	best validation loss f64, last validation ROC-AUC f64, Adam step u64,
//	shuffle stream [20], dropout stream [20] (PCG.MarshalBinary),
//	history: per finished epoch train loss f64, validation loss f64,
//	batch order: per training row u32,
//	weights, Adam's first moments, Adam's second moments, best weights:
//	    each tensor of weights.tensors in order, f32 values,
//	CRC-32C u32 of everything before.
//
// The tensors' sizes follow from the params, which the hash pins.
const (
	stateMagic   = "mlctl-lstm-state"
	stateVersion = 1
	pcgSize      = 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// marshal encodes the run after its last finished epoch.
func (r *run) marshal(fp fingerprint) []byte {
	size := 0
	for _, t := range r.m.tensors() {
		size += 4 * len(t)
	}
	b := make([]byte, 0, 256+16*r.epochs()+4*len(r.order)+4*size)
	le := binary.LittleEndian
	b = append(b, stateMagic...)
	b = le.AppendUint32(b, stateVersion)
	b = append(b, fp.params[:]...)
	b = append(b, fp.data[:]...)
	for _, v := range []uint64{fp.trainRows, fp.trainWidth, fp.validRows, fp.validWidth} {
		b = le.AppendUint64(b, v)
	}
	b = le.AppendUint32(b, uint32(r.epochs()))
	b = le.AppendUint32(b, uint32(r.bestEpoch))
	b = le.AppendUint32(b, uint32(r.since))
	b = le.AppendUint64(b, math.Float64bits(r.bestLoss))
	b = le.AppendUint64(b, math.Float64bits(r.validAUC))
	b = le.AppendUint64(b, uint64(r.t.opt.step))
	for _, src := range []*rand.PCG{r.shuffle, r.t.drop} {
		b, _ = src.AppendBinary(b) // never fails
	}
	for _, e := range r.history {
		b = le.AppendUint64(b, math.Float64bits(e.TrainLoss))
		b = le.AppendUint64(b, math.Float64bits(e.ValidLoss))
	}
	for _, i := range r.order {
		b = le.AppendUint32(b, uint32(i))
	}
	for _, w := range []*weights{&r.m.weights, &r.t.opt.m, &r.t.opt.v, &r.best} {
		for _, t := range w.tensors() {
			for _, v := range t {
				b = le.AppendUint32(b, math.Float32bits(v))
			}
		}
	}
	return le.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// stateReader reads a state's fields in order; the first short read sets
// err and every later read returns zeros.
type stateReader struct {
	b   []byte
	err error
}

func (s *stateReader) next(n int) []byte {
	if s.err != nil || len(s.b) < n {
		if s.err == nil {
			s.err = errors.New("truncated")
		}
		return make([]byte, n)
	}
	out := s.b[:n]
	s.b = s.b[n:]
	return out
}

func (s *stateReader) u32() uint32  { return binary.LittleEndian.Uint32(s.next(4)) }
func (s *stateReader) u64() uint64  { return binary.LittleEndian.Uint64(s.next(8)) }
func (s *stateReader) f64() float64 { return math.Float64frombits(s.u64()) }

// openState checks a state's magic, version and checksum and reads its
// fingerprint and epoch count.
func openState(data []byte) (*stateReader, fingerprint, int, error) {
	var fp fingerprint
	if len(data) < len(stateMagic)+8 || string(data[:len(stateMagic)]) != stateMagic {
		return nil, fp, 0, errors.New("lstm: resume: not an lstm training state")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, fp, 0, errors.New("lstm: resume: the state is corrupt (checksum mismatch)")
	}
	s := &stateReader{b: body[len(stateMagic):]}
	if v := s.u32(); v != stateVersion {
		return nil, fp, 0, fmt.Errorf("lstm: resume: state version %d, want %d", v, stateVersion)
	}
	copy(fp.params[:], s.next(len(fp.params)))
	copy(fp.data[:], s.next(len(fp.data)))
	fp.trainRows, fp.trainWidth, fp.validRows, fp.validWidth = s.u64(), s.u64(), s.u64(), s.u64()
	epochs := s.u32()
	if s.err != nil {
		return nil, fp, 0, fmt.Errorf("lstm: resume: state: %w", s.err)
	}
	return s, fp, int(epochs), nil
}

// ResumeEpoch returns the number of the last epoch a training state
// holds (1-based): resuming from it trains from the next one.
func ResumeEpoch(state []byte) (int, error) {
	_, _, epochs, err := openState(state)
	return epochs, err
}

// unmarshal restores the run from a state made by a run with fingerprint
// fp, refusing one from another run.
func (r *run) unmarshal(data []byte, fp fingerprint) error {
	s, got, epochs, err := openState(data)
	if err != nil {
		return err
	}
	if err := fp.check(got); err != nil {
		return fmt.Errorf("lstm: resume: %w", err)
	}
	if err := r.read(s, epochs); err != nil {
		return fmt.Errorf("lstm: resume: state: %w", err)
	}
	return nil
}

// read decodes the fields after the epoch count and checks them.
func (r *run) read(s *stateReader, epochs int) error {
	p := r.p
	if epochs < 1 || epochs > p.Epochs {
		return fmt.Errorf("%d epochs finished, want 1..%d", epochs, p.Epochs)
	}
	bestEpoch, since := int(s.u32()), int(s.u32())
	r.bestLoss, r.validAUC = s.f64(), s.f64()
	step := s.u64()
	if err := r.shuffle.UnmarshalBinary(s.next(pcgSize)); err != nil && s.err == nil {
		return fmt.Errorf("shuffle stream: %w", err)
	}
	if err := r.t.drop.UnmarshalBinary(s.next(pcgSize)); err != nil && s.err == nil {
		return fmt.Errorf("dropout stream: %w", err)
	}
	r.history = make([]Epoch, epochs)
	for i := range r.history {
		r.history[i] = Epoch{TrainLoss: s.f64(), ValidLoss: s.f64()}
	}
	seen := make([]bool, len(r.order))
	for i := range r.order {
		o := int(s.u32())
		if s.err == nil && (o >= len(seen) || seen[o]) {
			return fmt.Errorf("batch order is not a permutation (row %d at %d)", o, i)
		}
		if s.err == nil {
			seen[o] = true
		}
		r.order[i] = o
	}
	for _, w := range []*weights{&r.m.weights, &r.t.opt.m, &r.t.opt.v, &r.best} {
		for _, t := range w.tensors() {
			for i := range t {
				t[i] = math.Float32frombits(s.u32())
			}
		}
	}
	switch {
	case s.err != nil:
		return s.err
	case len(s.b) != 0:
		return fmt.Errorf("%d bytes left over", len(s.b))
	case bestEpoch > epochs || since > epochs:
		return fmt.Errorf("best epoch %d and %d epochs since, of %d finished", bestEpoch, since, epochs)
	case step != uint64(epochs*r.batches()):
		return fmt.Errorf("Adam step %d after %d epochs of %d batches", step, epochs, r.batches())
	}
	r.bestEpoch, r.since, r.t.opt.step = bestEpoch, since, int(step)
	return nil
}
