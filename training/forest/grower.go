package forest

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlctl/mlctl/training/rng"
)

// sample is one in-bag row of the tree being grown: its index and its
// bootstrap count shifted left by one, or-ed with its label.
type sample struct {
	row int32
	w   uint32
}

// binStat sums the samples of one histogram bin: distinct rows, bootstrap
// count, and bootstrap count of positive rows. Integer sums make the split
// search exact and independent of summation order.
type binStat struct {
	rows, count, pos uint32
}

func (a binStat) add(b binStat) binStat {
	return binStat{a.rows + b.rows, a.count + b.count, a.pos + b.pos}
}

func (a binStat) sub(b binStat) binStat {
	return binStat{a.rows - b.rows, a.count - b.count, a.pos - b.pos}
}

// growTask is a node waiting to be grown.
type growTask struct {
	lo, hi int // segment of grower.samples
	depth  int
	stat   binStat
	// parent is the split node whose child this is (-1 for the root);
	// isLeft says which child.
	parent int32
	isLeft bool
	// nConst is how many entries of grower.consts are features known to be
	// constant in this node (found constant in an ancestor).
	nConst int
}

// split is the best split found for a node.
type split struct {
	score   float64 // Gini proxy: Σ_k w_Lk²/W_L + Σ_k w_Rk²/W_R, larger is better
	feature int
	// bin is the last value bin that goes left, -1 when only missing
	// values go left; next is the node's first non-empty value bin after
	// bin (the first that goes right).
	bin, next   int
	defaultLeft bool
	left, right binStat
}

// grower grows trees, one at a time, with buffers reused from tree to tree.
// Each training goroutine owns one.
type grower[C code] struct {
	bm     *binnedMatrix
	codes  []C // bm's codes
	labels []uint8
	p      Params
	mtry   int
	cw     [2]float64 // class weights
	// Buffers. scratch holds the bootstrap counts (in its w fields) while
	// the sample is drawn, then the right sides of partitions.
	samples   []sample
	scratch   []sample
	hist      []binStat  // one slot per code; zero between uses
	bins      []binEntry // the node's non-empty bins of one feature
	keys      []uint64   // sort path scratch
	batch     []int32
	batchHist []binStat // batchHistograms' histograms; zero between uses
	keyTmp    []uint64
	perm      []int32
	isConst   []bool
	consts    []int32
	stack     []growTask
}

func newGrower[C code](bm *binnedMatrix, codes []C, labels []uint8, p Params, mtry int, cw [2]float64) *grower[C] {
	// The sort path takes nodes of fewer samples than half a feature's bins.
	sortMax := min(bm.rows, slices.Max(bm.nbins)/sortPathRatio+1)
	return &grower[C]{
		bm: bm, codes: codes, labels: labels, p: p, mtry: mtry, cw: cw,
		samples: make([]sample, 0, bm.rows),
		scratch: make([]sample, bm.rows),
		perm:    make([]int32, bm.cols),
		isConst: make([]bool, bm.cols),
		consts:  make([]int32, bm.cols),
		hist:    make([]binStat, slices.Max(bm.nbins)+1),
		keys:    make([]uint64, 0, sortMax),
		keyTmp:  make([]uint64, sortMax),
		batch:   make([]int32, 0, bm.cols),
	}
}

// weights returns the class-weighted negative and positive sums of s.
func (g *grower[C]) weights(s binStat) (w0, w1 float64) {
	return float64(s.count-s.pos) * g.cw[0], float64(s.pos) * g.cw[1]
}

// grow grows tree t: it draws the bootstrap sample and the split features
// from tree t's own generator, so the tree depends only on the data, the
// parameters, the seed and t.
func (g *grower[C]) grow(t int) tree {
	src := rng.Tree(g.p.Seed, t)
	n := g.bm.rows
	g.samples = g.samples[:0]
	if g.p.Bootstrap {
		counts := g.scratch[:n]
		clear(counts)
		for range n {
			counts[rng.Uniform(src, n)].w++
		}
		for r, c := range counts {
			if c.w > 0 {
				g.samples = append(g.samples, sample{int32(r), c.w<<1 | uint32(g.labels[r])})
			}
		}
	} else {
		for r := range n {
			g.samples = append(g.samples, sample{int32(r), 1<<1 | uint32(g.labels[r])})
		}
	}
	for f := range g.perm {
		g.perm[f] = int32(f)
	}
	var root binStat
	for _, s := range g.samples {
		root = root.add(binStat{1, s.w >> 1, (s.w >> 1) * (s.w & 1)})
	}

	var tr tree
	g.stack = append(g.stack[:0], growTask{lo: 0, hi: len(g.samples), stat: root, parent: -1})
	for len(g.stack) > 0 {
		task := g.stack[len(g.stack)-1]
		g.stack = g.stack[:len(g.stack)-1]
		w0, w1 := g.weights(task.stat)
		value, weight := float32(w1/(w0+w1)), float32(w0+w1)

		st := task.stat
		leaf := (g.p.MaxDepth > 0 && task.depth >= g.p.MaxDepth) ||
			int(st.rows) < g.p.MinSamplesSplit || int(st.rows) < 2*g.p.MinSamplesLeaf ||
			st.pos == 0 || st.pos == st.count
		var s split
		var nNew int
		if !leaf {
			var ok bool
			s, nNew, ok = g.findSplit(&task, src)
			leaf = !ok
		}
		var ref int32
		if leaf {
			ref = ^int32(len(tr.leafValue))
			tr.leafValue = append(tr.leafValue, value)
			tr.leafWeight = append(tr.leafWeight, weight)
		} else {
			ref = int32(len(tr.nodes))
			nd := node{threshold: g.bm.threshold(s.feature, s.bin, s.next), feature: uint32(s.feature)}
			if s.defaultLeft {
				nd.feature |= defaultLeftBit
			}
			tr.nodes = append(tr.nodes, nd)
			tr.nodeValue = append(tr.nodeValue, value)
			tr.nodeWeight = append(tr.nodeWeight, weight)
		}
		if task.parent >= 0 {
			if task.isLeft {
				tr.nodes[task.parent].left = ref
			} else {
				tr.nodes[task.parent].right = ref
			}
		}
		if leaf {
			continue
		}
		mid := g.partition(task.lo, task.hi, &s)
		nc := task.nConst + nNew
		d := task.depth + 1
		// Right first, so the left child is grown next and, when it is a
		// split node, is the next node.
		g.stack = append(g.stack,
			growTask{lo: mid, hi: task.hi, depth: d, stat: s.right, parent: ref, nConst: nc},
			growTask{lo: task.lo, hi: mid, depth: d, stat: s.left, parent: ref, isLeft: true, nConst: nc})
	}
	return tr
}

// binEntry is one non-empty bin of a feature in a node.
type binEntry struct {
	code int
	stat binStat
}

// findSplit draws features for the node at random, without replacement, as
// scikit-learn's best splitter does: mtry of them, or more until one that is
// not constant in the node has been drawn; constant features count as drawn
// but are not evaluated. Features found constant are appended to
// g.consts[task.nConst:] (nNew of them), for the node's children to skip.
// ok is false when no drawn feature has a valid split.
func (g *grower[C]) findSplit(task *growTask, src *rand.PCG) (best split, nNew int, ok bool) {
	F := g.bm.cols
	for _, f := range g.consts[:task.nConst] {
		g.isConst[f] = true
	}
	best.score = math.Inf(-1)
	drawn, drawnConst := 0, 0
	draw := func() int {
		j := drawn + rng.Uniform(src, F-drawn)
		g.perm[drawn], g.perm[j] = g.perm[j], g.perm[drawn]
		drawn++
		return int(g.perm[drawn-1])
	}
	// consider evaluates feature f given its non-empty bins in the node.
	consider := func(f int, bins []binEntry) {
		if len(bins) == 1 {
			g.consts[task.nConst+nNew] = int32(f)
			g.isConst[f] = true
			nNew++
			drawnConst++
			return
		}
		if g.evaluate(f, bins, task.stat, &best) {
			ok = true
		}
	}
	// The first mtry draws are always made: sum their bins in one pass over
	// the node's rows when the node is large, then consider them in draw
	// order.
	batch := g.batch[:0]
	for drawn < g.mtry && drawn < F {
		if f := draw(); g.isConst[f] {
			drawnConst++
		} else {
			batch = append(batch, int32(f))
		}
	}
	if task.hi-task.lo >= batchMinSamples && g.smallBins(batch) {
		g.batchHistograms(batch, task.lo, task.hi)
		for j, f := range batch {
			consider(int(f), g.batchBins(j, int(f)))
		}
	} else {
		for _, f := range batch {
			consider(int(f), g.nodeBins(int(f), task.lo, task.hi))
		}
	}
	// More draws while every drawn feature was constant.
	for drawn <= drawnConst && drawn < F {
		if f := draw(); g.isConst[f] {
			drawnConst++
		} else {
			consider(f, g.nodeBins(f, task.lo, task.hi))
		}
	}
	for _, f := range g.consts[:task.nConst+nNew] {
		g.isConst[f] = false
	}
	return best, nNew, ok
}

// batchMinSamples is the smallest node whose first draws are summed in one
// pass (smaller nodes sort each feature's codes).
const batchMinSamples = 256

// batchSlots is the histogram length of one feature in a batch: features
// with at most 256 value bins and a missing code.
const batchSlots = 257

// smallBins reports whether every feature of batch has at most 256 bins.
func (g *grower[C]) smallBins(batch []int32) bool {
	for _, f := range batch {
		if g.bm.nbins[f] >= batchSlots {
			return false
		}
	}
	return true
}

// batchHistograms sums the node's samples into one histogram per feature of
// batch (g.batchHist[j*batchSlots:], zero before), reading each row's codes
// once.
func (g *grower[C]) batchHistograms(batch []int32, lo, hi int) {
	F := g.bm.cols
	if need := len(batch) * batchSlots; len(g.batchHist) < need {
		g.batchHist = make([]binStat, need)
	}
	h := g.batchHist
	codes := g.codes
	for _, s := range g.samples[lo:hi] {
		row := codes[int(s.row)*F : int(s.row)*F+F]
		cnt := s.w >> 1
		pos := cnt & -(s.w & 1)
		for j, f := range batch {
			e := &h[j*batchSlots+int(row[f])]
			e.rows++
			e.count += cnt
			e.pos += pos
		}
	}
}

// batchBins returns the non-empty bins of batch feature j (feature f) in
// code order, in g.bins, and clears its histogram.
func (g *grower[C]) batchBins(j, f int) []binEntry {
	h := g.batchHist[j*batchSlots : j*batchSlots+g.bm.nbins[f]+1]
	bins := g.bins[:0]
	for c := range h {
		if h[c].rows != 0 {
			bins = append(bins, binEntry{c, h[c]})
			h[c] = binStat{}
		}
	}
	g.bins = bins
	return bins
}

// sortPathRatio picks how nodeBins sums a node's samples: a dense histogram
// when the node has at least 1/sortPathRatio as many samples as the feature
// has bins (scanning the bins then costs no more than a few passes over the
// samples), else by sorting the samples' codes.
const sortPathRatio = 2

// nodeBins returns the non-empty bins of feature f among the node's samples
// [lo, hi), in code order (the missing code, the largest, last), in g.bins.
func (g *grower[C]) nodeBins(f, lo, hi int) []binEntry {
	F := g.bm.cols
	codes := g.codes[f:]
	samples := g.samples[lo:hi]
	bins := g.bins[:0]
	if len(samples)*sortPathRatio >= g.bm.nbins[f] {
		h := g.hist
		mn, mx := ^C(0), C(0)
		for _, s := range samples {
			c := codes[int(s.row)*F]
			e := &h[c]
			cnt := s.w >> 1
			e.rows++
			e.count += cnt
			e.pos += cnt & -(s.w & 1)
			mn = min(mn, c)
			mx = max(mx, c)
		}
		for c := int(mn); c <= int(mx); c++ {
			if h[c].rows != 0 {
				bins = append(bins, binEntry{c, h[c]})
				h[c] = binStat{}
			}
		}
		g.bins = bins
		return bins
	}
	// Sort path: keys are code<<32 | w.
	keys := g.keys[:0]
	for _, s := range samples {
		keys = append(keys, uint64(codes[int(s.row)*F])<<32|uint64(s.w))
	}
	if len(g.keyTmp) < len(keys) {
		g.keyTmp = make([]uint64, len(keys))
	}
	sortCodes(keys, g.keyTmp)
	for i := 0; i < len(keys); {
		c := keys[i] >> 32
		var st binStat
		for ; i < len(keys) && keys[i]>>32 == c; i++ {
			w := uint32(keys[i])
			cnt := w >> 1
			st.rows++
			st.count += cnt
			st.pos += cnt & -(w & 1)
		}
		bins = append(bins, binEntry{int(c), st})
	}
	g.keys, g.bins = keys, bins
	return bins
}

// sortCodes sorts keys by their bits 32..47 (a 16-bit code): insertion sort
// for short slices, else a two-pass LSD radix sort through tmp.
func sortCodes(keys, tmp []uint64) {
	if len(keys) <= 48 {
		for i := 1; i < len(keys); i++ {
			k := keys[i]
			j := i
			for ; j > 0 && keys[j-1]>>32 > k>>32; j-- {
				keys[j] = keys[j-1]
			}
			keys[j] = k
		}
		return
	}
	var counts [2][256]int
	for _, k := range keys {
		counts[0][(k>>32)&0xff]++
		counts[1][(k>>40)&0xff]++
	}
	src, dst := keys, tmp[:len(keys)]
	for pass := range 2 {
		c := &counts[pass]
		shift := 32 + 8*uint(pass)
		if c[(src[0]>>shift)&0xff] == len(src) {
			continue
		}
		sum := 0
		for i := range c {
			c[i], sum = sum, sum+c[i]
		}
		for _, k := range src {
			d := (k >> shift) & 0xff
			dst[c[d]] = k
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}

// evaluate scans feature f's non-empty bins in the node for the split with
// the best Gini proxy, with missing values (code nbins, the last bin when
// present) right and, when the node has some, left. Each side must keep at
// least min_samples_leaf distinct rows. It updates best and reports whether
// it did. Ties keep the earlier candidate. A split of a node without missing
// values sends them to the side with the larger bootstrap count (left on a
// tie).
func (g *grower[C]) evaluate(f int, bins []binEntry, total binStat, best *split) bool {
	var miss binStat
	if last := bins[len(bins)-1]; last.code == g.bm.nbins[f] {
		miss = last.stat
		bins = bins[:len(bins)-1]
	}
	msl := uint32(g.p.MinSamplesLeaf)
	improved := false
	try := func(b, next int, left binStat, missLeft bool) {
		right := total.sub(left)
		l0, l1 := g.weights(left)
		r0, r1 := g.weights(right)
		score := (l0*l0+l1*l1)/(l0+l1) + (r0*r0+r1*r1)/(r0+r1)
		if score > best.score {
			if miss.rows == 0 {
				missLeft = left.count >= right.count
			}
			*best = split{score: score, feature: f, bin: b, next: next, defaultLeft: missLeft, left: left, right: right}
			improved = true
		}
	}
	// Missing values right: left = the bins up to b. Stop before the right
	// side is empty or only missing values (that split is tried below as
	// missing values left, bin -1).
	var acc binStat
	for i, e := range bins[:max(len(bins)-1, 0)] {
		acc = acc.add(e.stat)
		if acc.rows < msl {
			continue
		}
		if total.rows-acc.rows < msl {
			break
		}
		try(e.code, bins[i+1].code, acc, false)
	}
	if miss.rows == 0 {
		return improved
	}
	// Missing values left: left = the missing values and the bins up to b
	// (b = -1: only the missing values).
	acc = miss
	if acc.rows >= msl && total.rows-acc.rows >= msl {
		try(-1, 0, acc, true)
	}
	for i, e := range bins[:max(len(bins)-1, 0)] {
		acc = acc.add(e.stat)
		if acc.rows < msl {
			continue
		}
		if total.rows-acc.rows < msl {
			break
		}
		try(e.code, bins[i+1].code, acc, true)
	}
	return improved
}

// partition splits the node's samples [lo, hi) stably into left | right by
// the split and returns where the right ones start.
func (g *grower[C]) partition(lo, hi int, s *split) int {
	F := g.bm.cols
	f := s.feature
	codes := g.codes[f:]
	bin, miss := s.bin, g.bm.nbins[f]
	dl := s.defaultLeft
	nl, nr := lo, 0
	for _, smp := range g.samples[lo:hi] {
		c := int(codes[int(smp.row)*F])
		if c <= bin || (c == miss && dl) {
			g.samples[nl] = smp
			nl++
		} else {
			g.scratch[nr] = smp
			nr++
		}
	}
	copy(g.samples[nl:hi], g.scratch[:nr])
	return nl
}
