// Package radix sorts the tree learners' feature values fast: float32s as
// order-preserving uint32 keys, and (key, row) pairs by key with a stable
// radix sort that skips passes where every element has the same digit, or
// the keys alone.
package radix

import "math"

// FloatKey maps a float32 to a uint32 whose unsigned order is the float order
// (for non-NaN values; -0 must be normalised to +0 by the caller).
func FloatKey(v float32) uint32 {
	b := math.Float32bits(v)
	if b>>31 != 0 {
		return ^b
	}
	return b | 1<<31
}

// KeyFloat inverts FloatKey.
func KeyFloat(k uint32) float32 {
	if k>>31 != 0 {
		return math.Float32frombits(k &^ (1 << 31))
	}
	return math.Float32frombits(^k)
}

// SortHigh sorts a by its upper 32 bits, stably, using tmp (len(tmp) >=
// len(a)) as scratch. Passes whose digit is the same for every element are
// skipped, which makes few-valued features cheap.
func SortHigh(a, tmp []uint64) { sortDigits(a, tmp, 32) }

// Sort32 sorts a (FloatKey keys, say) ascending, using tmp (len(tmp) >=
// len(a)) as scratch, skipping passes as SortHigh does. It needs half the
// memory of sorting (key, row) pairs when the rows are not wanted.
func Sort32(a, tmp []uint32) { sortDigits(a, tmp, 0) }

// sortDigits sorts a stably by its 32 bits from bit low up, in three passes
// of 11, 11 and 10 bits.
func sortDigits[T uint32 | uint64](a, tmp []T, low uint) {
	const bits = 11
	const buckets = 1 << bits
	if len(a) < 2 {
		return
	}
	var counts [3][buckets]int
	for _, v := range a {
		counts[0][(v>>low)&(buckets-1)]++
		counts[1][(v>>(low+bits))&(buckets-1)]++
		counts[2][(v>>(low+2*bits))&(buckets-1)]++
	}
	src, dst := a, tmp[:len(a)]
	for pass := 0; pass < 3; pass++ {
		c := &counts[pass]
		shift := low + uint(pass*bits)
		if c[(src[0]>>shift)&(buckets-1)] == len(src) {
			continue
		}
		sum := 0
		for i := range c {
			c[i], sum = sum, sum+c[i]
		}
		for _, v := range src {
			d := (v >> shift) & (buckets - 1)
			dst[c[d]] = v
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &a[0] {
		copy(a, src)
	}
}
