package features

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// packCounts encodes a mostly-zero count vector as uvarint pairs
// (zeros skipped before the next non-zero count, that count).
func packCounts(counts []uint32) []byte {
	var out []byte
	zeros := uint64(0)
	for _, c := range counts {
		if c == 0 {
			zeros++
			continue
		}
		out = binary.AppendUvarint(out, zeros)
		out = binary.AppendUvarint(out, uint64(c))
		zeros = 0
	}
	return out
}

// unpackCounts decodes packCounts' output into a vector of n counts.
func unpackCounts(b []byte, n int) ([]uint32, error) {
	out := make([]uint32, n)
	pos := 0
	for len(b) > 0 {
		zeros, k := binary.Uvarint(b)
		if k <= 0 {
			return nil, errors.New("packed counts: bad zero run")
		}
		b = b[k:]
		c, k := binary.Uvarint(b)
		if k <= 0 || c == 0 || c > 1<<32-1 {
			return nil, errors.New("packed counts: bad count")
		}
		b = b[k:]
		if zeros >= uint64(n-pos) {
			return nil, fmt.Errorf("packed counts: more than %d counts", n)
		}
		pos += int(zeros)
		out[pos] = uint32(c)
		pos++
	}
	return out, nil
}
