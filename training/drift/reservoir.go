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
	r.seen++
	if len(r.rows) < r.capacity {
		r.rows = append(r.rows, append([]float64(nil), row...))
		return
	}
	if j := uniform(r.src, uint64(r.seen)); j < uint64(r.capacity) {
		r.rows[j] = append([]float64(nil), row...)
	}
}

// Rows returns the kept rows in slot order. The outer slice is a copy;
// the rows themselves are never modified by later calls to Add.
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
