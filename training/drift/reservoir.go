package drift

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// Reservoir keeps a uniform random sample of at most a fixed number of rows
// from a stream of any length (Vitter's algorithm R): after n rows, each
// has been kept with probability capacity/n. Its generator is seeded, so
// the same stream and seed keep the same rows. It is not safe for
// concurrent use.
type Reservoir struct {
	capacity int
	rows     [][]float64
	seen     int64
	src      *rand.PCG
}

// NewReservoir returns an empty reservoir that keeps at most capacity rows,
// drawing from a generator seeded with seed.
func NewReservoir(capacity int, seed uint64) (*Reservoir, error) {
	if capacity < 1 {
		return nil, fmt.Errorf("drift: reservoir capacity %d is below 1", capacity)
	}
	return &Reservoir{
		capacity: capacity,
		rows:     make([][]float64, 0, min(capacity, 1024)),
		src:      newPCG(seed),
	}, nil
}

// Add offers one row to the sample; a kept row is copied.
func (r *Reservoir) Add(row []float64) {
	if slot, keep := r.Offer(); keep {
		r.Put(slot, append([]float64(nil), row...))
	}
}

// Offer counts one more row of the stream and decides, before the row is
// built, whether the sample keeps it: keep reports it and slot is where it
// goes (Put). A caller whose rows are costly to compute (features of a
// name) builds only the kept ones. Several Offers may precede their Puts
// if the Puts follow in the same order: a later row given the same slot
// replaces the earlier one, as Add would. Offer and Put draw and keep
// exactly what Add does for the same stream and seed.
func (r *Reservoir) Offer() (slot int, keep bool) {
	r.seen++
	if len(r.rows) < r.capacity {
		r.rows = append(r.rows, nil) // filled by Put
		return len(r.rows) - 1, true
	}
	if j := uniform(r.src, uint64(r.seen)); j < uint64(r.capacity) {
		return int(j), true
	}
	return 0, false
}

// Put stores a row that Offer kept in its slot. The row is kept as it is,
// not copied: the caller must not modify it afterwards.
func (r *Reservoir) Put(slot int, row []float64) { r.rows[slot] = row }

// Rows returns the kept rows in slot order (a slot Offer gave but Put has
// not yet filled is nil). The outer slice is a copy; the rows themselves
// are never modified by later calls to Add or Put.
func (r *Reservoir) Rows() [][]float64 { return append([][]float64(nil), r.rows...) }

// Len returns how many rows are kept.
func (r *Reservoir) Len() int { return len(r.rows) }

// Seen returns how many rows have been offered.
func (r *Reservoir) Seen() int64 { return r.seen }

// Sample returns k of rows chosen uniformly without replacement by a
// generator seeded with seed (all of them, in order, when there are at most
// k). The rows are shared with the input, not copied.
func Sample(rows [][]float64, k int, seed uint64) [][]float64 {
	if k < 0 {
		k = 0
	}
	if len(rows) <= k {
		return append([][]float64(nil), rows...)
	}
	src := newPCG(seed)
	out := append([][]float64(nil), rows[:k]...)
	for i := k; i < len(rows); i++ {
		if j := uniform(src, uint64(i+1)); j < uint64(k) {
			out[j] = rows[i]
		}
	}
	return out
}

func newPCG(seed uint64) *rand.PCG {
	return rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
}

// uniform returns a number in [0, n) from one draw of src (Lemire's
// multiply-shift, defined here so that the sample never depends on the Go
// version's math/rand helpers).
func uniform(src *rand.PCG, n uint64) uint64 {
	hi, _ := bits.Mul64(src.Uint64(), n)
	return hi
}
