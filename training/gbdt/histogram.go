package gbdt

import (
	"sync"
	"unsafe"
)

// histogram holds one node's gradient sums per feature bin, laid out as
// featureBins.offset describes (each feature's value bins, then its missing
// slot).
type histogram []gradSum

// histPool recycles histograms; all have the same length.
type histPool struct {
	mu    sync.Mutex
	slots int
	free  []histogram
}

// get returns a histogram with unspecified contents.
func (p *histPool) get() histogram {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		h := p.free[n-1]
		p.free = p.free[:n-1]
		return h
	}
	return make(histogram, p.slots)
}

// put returns h to the pool; nil is ignored.
func (p *histPool) put(h histogram) {
	if h == nil {
		return
	}
	p.mu.Lock()
	p.free = append(p.free, h)
	p.mu.Unlock()
}

// clear zeroes h.
func (h histogram) clear() { clear(h) }

// add adds o into h.
func (h histogram) add(o histogram) {
	o = o[:len(h)]
	for i := range h {
		h[i].g += o[i].g
		h[i].h += o[i].h
	}
}

// subtract subtracts o from h: a parent's histogram minus one child's is the
// other child's.
func (h histogram) subtract(o histogram) {
	o = o[:len(h)]
	for i := range h {
		h[i].g -= o[i].g
		h[i].h -= o[i].h
	}
}

// accumulate adds the gradient pairs of rows into h, over every feature.
//
// This is the trainer's hot loop. It indexes through unsafe pointers because
// with bounds checks Go spills the loop's state and the loop runs much
// slower; every access is in range by construction: r < rows (rows hold
// indices from the partition), f < cols, and a code is at most its
// feature's nbins (the missing code), so offset[f] + code < slots = len(h),
// which accumulate checks.
func (h histogram) accumulate(bm *binnedMatrix, rows []int32, gp []gradPair) {
	F := bm.cols
	if len(h) != bm.bins.slots || len(bm.bins.offset) != F || len(gp) != bm.rows || len(bm.rowCodes) != bm.rows*F {
		panic("gbdt: accumulate: histogram and matrix disagree")
	}
	hp := unsafe.Pointer(unsafe.SliceData(h))
	op := unsafe.Pointer(unsafe.SliceData(bm.bins.offset))
	cp := unsafe.Pointer(unsafe.SliceData(bm.rowCodes))
	for _, r := range rows {
		p := gp[r]
		accumulateRow(hp, op, unsafe.Add(cp, int(r)*F), F, int64(p.g), int64(p.h))
	}
}

// accumulateRow adds (g, hh) to the bin of each of the F codes at row. It
// is not inlined so that the caller's state does not crowd its registers.
//
//go:noinline
func accumulateRow(hp, op, row unsafe.Pointer, F int, g, hh int64) {
	for f := 0; f < F; f++ {
		c := int(*(*uint8)(unsafe.Add(row, f)))
		o := int(*(*int32)(unsafe.Add(op, 4*f)))
		b := (*gradSum)(unsafe.Add(hp, 16*(o+c)))
		b.g += g
		b.h += hh
	}
}

// accumulateFeatures adds the gradient pairs of rows into h, over the given
// features only (column sampling).
func (h histogram) accumulateFeatures(bm *binnedMatrix, rows []int32, gp []gradPair, feats []int32) {
	F := bm.cols
	off := bm.bins.offset
	codes := bm.rowCodes
	for _, r := range rows {
		p := gp[r]
		g, hh := int64(p.g), int64(p.h)
		rc := codes[int(r)*F : int(r)*F+F]
		for _, f := range feats {
			b := &h[int(off[f])+int(rc[f])]
			b.g += g
			b.h += hh
		}
	}
}
