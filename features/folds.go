package features

import (
	"cmp"
	"slices"

	"github.com/mlctl/mlctl/datasets"
)

// Cross-fitting folds.
//
// A name's fold is normally a hash of the name. Held-out evaluation showed
// that this makes the learned features lie for training DGA names: the
// n-gram model and the TLD counts of a name's fold have still seen the
// other names of its family, so a training DGA name looks as familiar as a
// name of a known family does at serving time, and the trainer learns to
// trust values that new families never get. So when the training rows name
// at least as many DGA families as there are folds, FitDomain puts every DGA
// family into one fold as a whole: a training DGA name's values then come
// from parts that never saw its family, as a new family's names do. Benign
// rows, DGA rows without a family, and all names seen only at serving time
// keep the hash fold. The training DGA names whose family fold differs from
// their hash fold are pinned: their fold is kept in a sorted table of name
// hashes, looked up by Extract.

// nameHash is the FNV-1a hash of a normalised name, mixed; foldOf takes the
// fold from it.
func nameHash(name string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 1099511628211
	}
	return h ^ h>>29
}

// pinFoldBits is how many low bits of a pinned entry hold the fold (folds ≤ 16).
const pinFoldBits = 4

// pinKeyMask keeps the hash bits of a pinned entry.
const pinKeyMask = ^uint64(1<<pinFoldBits - 1)

// pinnedFolds is a sorted table of (name hash with its low bits cleared) |
// fold, one entry per pinned training name.
type pinnedFolds []uint64

// lookup returns the pinned fold of a name hash, or -1.
func (p pinnedFolds) lookup(h uint64) int {
	key := h & pinKeyMask
	lo, hi := 0, len(p)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if p[m]&pinKeyMask < key {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(p) && p[lo]&pinKeyMask == key {
		return int(p[lo] &^ pinKeyMask)
	}
	return -1
}

// pinnedIndex narrows a lookup in a pinnedFolds table to a handful of
// entries. Entries are name hashes, spread evenly, so those whose top bits
// are b lie in table[start[b]:start[b+1]], with about four per bucket. It is
// derived from the table (never stored), and the zero pinnedIndex searches
// the whole table.
type pinnedIndex struct {
	shift uint     // 64 - the number of top bits
	start []uint32 // one more than the number of buckets
}

// newPinnedIndex indexes a valid (sorted) table.
func newPinnedIndex(p pinnedFolds) pinnedIndex {
	if len(p) == 0 {
		return pinnedIndex{}
	}
	bits := uint(1)
	for bits < 24 && 1<<(bits+2) < len(p) {
		bits++
	}
	ix := pinnedIndex{shift: 64 - bits, start: make([]uint32, 1<<bits+1)}
	b := 0
	for i, v := range p {
		for ; b <= int(v>>ix.shift); b++ {
			ix.start[b] = uint32(i)
		}
	}
	for ; b < len(ix.start); b++ {
		ix.start[b] = uint32(len(p))
	}
	return ix
}

// lookup returns the pinned fold of a name hash in p (the table the index
// was built from), or -1.
func (ix pinnedIndex) lookup(p pinnedFolds, h uint64) int {
	if ix.start == nil {
		return p.lookup(h)
	}
	b := h >> ix.shift
	return p[ix.start[b]:ix.start[b+1]].lookup(h)
}

// valid reports whether p is strictly increasing in its keys and every fold
// is below folds.
func (p pinnedFolds) valid(folds int) bool {
	for i, v := range p {
		if int(v&^pinKeyMask) >= folds || i > 0 && p[i-1]&pinKeyMask >= v&pinKeyMask {
			return false
		}
	}
	return true
}

// foldOfName returns the fold whose parts score a normalised name.
func (d *Domain) foldOfName(name string) int {
	h := nameHash(name)
	if k := d.pinIndex.lookup(d.pinned, h); k >= 0 {
		return k
	}
	return int(h % uint64(len(d.folds)))
}

// assignFolds returns the fold of every row (names are the rows' normalised
// names) and the pinned table. A name that occurs more than once takes the
// fold of its first row.
func assignFolds(rows []datasets.Row, names []string, folds int) ([]int, pinnedFolds) {
	foldOfRow := make([]int, len(rows))
	famFold := familyFolds(rows, folds)
	if famFold == nil {
		for i, n := range names {
			foldOfRow[i] = foldOf(n, folds)
		}
		return foldOfRow, nil
	}
	first := make(map[string]int, len(names))
	var pinned pinnedFolds
	for i, n := range names {
		if k, ok := first[n]; ok {
			foldOfRow[i] = k
			continue
		}
		h := nameHash(n)
		k := int(h % uint64(folds))
		if r := rows[i]; r.Label == 1 && r.Family != "" {
			if fk := famFold[r.Family]; fk != k {
				k = fk
				pinned = append(pinned, h&pinKeyMask|uint64(k))
			}
		}
		first[n] = k
		foldOfRow[i] = k
	}
	slices.Sort(pinned)
	// Two names with the same 60 hash bits (vanishingly rare) keep the
	// first entry's fold for both; the table must have unique keys.
	pinned = slices.CompactFunc(pinned, func(a, b uint64) bool { return a&pinKeyMask == b&pinKeyMask })
	return foldOfRow, slices.Clip(pinned)
}

// familyFolds spreads the DGA families of rows over folds, largest first,
// each to the fold with the fewest DGA rows so far, or returns nil when
// there are fewer families than folds.
func familyFolds(rows []datasets.Row, folds int) map[string]int {
	size := map[string]int{}
	for _, r := range rows {
		if r.Label == 1 && r.Family != "" {
			size[r.Family]++
		}
	}
	if len(size) < folds {
		return nil
	}
	fams := make([]string, 0, len(size))
	for f := range size {
		fams = append(fams, f)
	}
	slices.SortFunc(fams, func(a, b string) int {
		if c := cmp.Compare(size[b], size[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	load := make([]int, folds)
	out := make(map[string]int, len(fams))
	for _, f := range fams {
		k := 0
		for j := range load {
			if load[j] < load[k] {
				k = j
			}
		}
		out[f] = k
		load[k] += size[f]
	}
	return out
}
