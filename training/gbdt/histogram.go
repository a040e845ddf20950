package gbdt

import "sync"

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
func (h histogram) accumulate(bm *binnedMatrix, rows []int32, gp []gradPair) {
	F := bm.cols
	off := bm.bins.offset[:F]
	codes := bm.rowCodes
	for _, r := range rows {
		p := gp[r]
		g, hh := int64(p.g), int64(p.h)
		base := int(r) * F
		rc := codes[base : base+F]
		for f, c := range rc {
			b := &h[int(off[f])+int(c)]
			b.g += g
			b.h += hh
		}
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
