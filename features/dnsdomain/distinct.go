package dnsdomain

import "slices"

// distinct counts distinct strings in bounded memory: it keeps the k
// smallest of their 64-bit hashes (a KMV sketch), so the count is exact up
// to k and estimated beyond, with a relative error of about 1/√k. Two
// sketches merge into the sketch of the union, so panes add up to windows.
type distinct struct {
	k int
	h []uint64 // ascending, unique, at most k
}

func newDistinct(k int) distinct { return distinct{k: k} }

// add counts the string whose hash is x.
func (d *distinct) add(x uint64) {
	i, found := slices.BinarySearch(d.h, x)
	if found {
		return
	}
	if len(d.h) < d.k {
		d.h = slices.Insert(d.h, i, x)
		return
	}
	if i >= d.k {
		return
	}
	copy(d.h[i+1:], d.h[i:d.k-1])
	d.h[i] = x
}

// merge adds every hash of o: a merge of the two sorted lists that keeps
// the k smallest, in d's storage (and one scratch list).
func (d *distinct) merge(o *distinct) {
	if len(o.h) == 0 {
		return
	}
	if len(d.h) == 0 {
		d.h = append(d.h[:0], o.h[:min(len(o.h), d.k)]...)
		return
	}
	out := make([]uint64, 0, min(len(d.h)+len(o.h), d.k))
	i, j := 0, 0
	for len(out) < d.k && (i < len(d.h) || j < len(o.h)) {
		switch {
		case j == len(o.h) || (i < len(d.h) && d.h[i] < o.h[j]):
			out = append(out, d.h[i])
			i++
		case i == len(d.h) || o.h[j] < d.h[i]:
			out = append(out, o.h[j])
			j++
		default: // equal
			out = append(out, d.h[i])
			i++
			j++
		}
	}
	d.h = out
}

// count is the number of distinct strings added: exact below k.
func (d *distinct) count() float64 {
	n := len(d.h)
	if n < d.k {
		return float64(n)
	}
	// (k-1) / (the k-th smallest hash as a fraction of the hash space)
	return float64(d.k-1) / (float64(d.h[n-1]) / (1 << 64))
}

// reset empties the sketch, keeping its storage.
func (d *distinct) reset() { d.h = d.h[:0] }

// hashString is FNV-1a 64 of s in ASCII lower case (DNS names are
// case-blind) with a final mix, so the sketch's order statistics see
// well-spread hashes; it is the same on every machine.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
