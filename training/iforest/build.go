package iforest

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/training/rng"
)

// featureThreshold is sklearn's FEATURE_THRESHOLD: a feature whose values
// in a node span at most this much counts as constant there.
const featureThreshold = 1e-7

// builtTree is one tree as built, with node indices local to the tree:
// left[i] is the first of node i's two adjacent children, or -1 for a leaf.
type builtTree struct {
	feature   []uint32
	threshold []float32
	left      []int32
	size      []uint32
	depth     []int
}

func (b *builtTree) add() int {
	b.feature = append(b.feature, 0)
	b.threshold = append(b.threshold, 0)
	b.left = append(b.left, -1)
	b.size = append(b.size, 0)
	b.depth = append(b.depth, 0)
	return len(b.left) - 1
}

// builder builds trees on one goroutine; its buffers are reused from tree
// to tree.
type builder struct {
	x         *matrix.Matrix
	kept      []int // the features validation kept
	psi       int   // rows drawn per tree
	perTree   int   // features per tree
	maxDepth  int
	bootstrap bool

	seen      []uint64  // bitset over x's rows
	rows      []int     // the tree's distinct sampled rows, ascending
	feats     []int     // the tree's features, ascending (scratch: a permutation of kept)
	cols      []float32 // the tree's features of its rows, column-major: cols[j*len(rows)+i]
	idx       []int32   // positions into rows, partitioned node by node
	cand      [][]int32 // per depth: the node's candidate features (indices into feats)
	rng       *rand.PCG
	out       builtTree
	rootCands []int32
}

func newBuilder(x *matrix.Matrix, kept []int, psi, perTree, maxDepth int, bootstrap bool) *builder {
	return &builder{
		x: x, kept: kept, psi: psi, perTree: perTree, maxDepth: maxDepth, bootstrap: bootstrap,
		seen: make([]uint64, (x.Rows+63)/64),
		cand: make([][]int32, maxDepth+1),
	}
}

// build grows tree t with the generator of (seed, t) and returns it; the
// result does not depend on what the builder built before.
func (b *builder) build(seed uint64, t int) builtTree {
	b.rng = rng.Tree(seed, t)
	b.drawFeatures()
	b.drawRows()
	m := len(b.rows)
	b.cols = slices.Grow(b.cols[:0], len(b.feats)*m)[:len(b.feats)*m]
	C := b.x.Cols
	for j, f := range b.feats {
		col := b.cols[j*m : (j+1)*m]
		for i, r := range b.rows {
			col[i] = b.x.Values[r*C+f]
		}
	}
	b.idx = b.idx[:0]
	for i := range m {
		b.idx = append(b.idx, int32(i))
	}
	b.rootCands = b.rootCands[:0]
	for j := range b.feats {
		b.rootCands = append(b.rootCands, int32(j))
	}
	b.out = builtTree{}
	b.out.add()
	b.fill(0, 0, m, 0, b.rootCands)
	return b.out
}

// drawFeatures picks the tree's features: perTree of the kept ones without
// replacement (a partial Fisher–Yates shuffle), or all of them.
func (b *builder) drawFeatures() {
	b.feats = append(b.feats[:0], b.kept...)
	if b.perTree >= len(b.kept) {
		return
	}
	for i := 0; i < b.perTree; i++ {
		j := i + rng.Uniform(b.rng, len(b.feats)-i)
		b.feats[i], b.feats[j] = b.feats[j], b.feats[i]
	}
	b.feats = b.feats[:b.perTree]
	slices.Sort(b.feats)
}

// drawRows draws the tree's psi rows: without replacement by Floyd's
// algorithm, or with replacement for bootstrap (then a row drawn twice
// counts once, as sklearn's trees see a bootstrap sample: one sample of
// weight 2). The rows are left in b.rows, ascending.
func (b *builder) drawRows() {
	n := b.x.Rows
	b.rows = b.rows[:0]
	mark := func(r int) bool {
		w, bit := r>>6, uint64(1)<<(r&63)
		if b.seen[w]&bit != 0 {
			return false
		}
		b.seen[w] |= bit
		b.rows = append(b.rows, r)
		return true
	}
	if b.bootstrap {
		for range b.psi {
			mark(rng.Uniform(b.rng, n))
		}
	} else {
		for j := n - b.psi; j < n; j++ {
			if !mark(rng.Uniform(b.rng, j+1)) {
				mark(j)
			}
		}
	}
	for _, r := range b.rows {
		b.seen[r>>6] = 0
	}
	slices.Sort(b.rows)
}

// fill makes node j of the rows at idx[lo:hi], at depth, choosing among the
// candidate features cand, as sklearn's ExtraTreeRegressor with
// splitter="random" and max_features=1 does: a feature drawn uniformly
// among the candidates that are not constant in the node (constant ones
// are dropped for the node's subtree), a threshold drawn uniformly between
// its minimum and maximum in the node, rows with a value ≤ threshold to
// the first child. Missing values (NaN) take no part in the minimum and
// maximum and go to the first child. A node is a leaf at the depth limit,
// with fewer than two rows, or when every candidate is constant.
func (b *builder) fill(j, lo, hi, depth int, cand []int32) {
	b.out.size[j], b.out.depth[j] = uint32(hi-lo), depth
	if depth >= b.maxDepth || hi-lo < 2 {
		return
	}
	buf := append(b.cand[depth][:0], cand...)
	b.cand[depth] = buf
	m := len(b.rows)
	for k := len(buf); k > 0; {
		pick := rng.Uniform(b.rng, k)
		f := buf[pick]
		col := b.cols[int(f)*m : (int(f)+1)*m]
		vmin, vmax, ok := span(col, b.idx[lo:hi])
		if !ok || float64(vmax) <= float64(vmin)+featureThreshold {
			k--
			buf[pick], buf[k] = buf[k], buf[pick]
			buf = buf[:k]
			continue
		}
		// sklearn: threshold = min + (max - min)·U[0, 1), and min when it
		// rounds up to max. The largest float32 at or below it splits
		// float32 values exactly as the float64 threshold does.
		t := float64(vmin) + (float64(vmax)-float64(vmin))*unit(b.rng)
		if t >= float64(vmax) {
			t = float64(vmin)
		}
		thr := floor32(t)
		mid := lo + partition(col, b.idx[lo:hi], thr)
		c := b.out.add()
		b.out.add()
		b.out.feature[j], b.out.threshold[j], b.out.left[j] = uint32(b.feats[f]), thr, int32(c)
		b.fill(c, lo, mid, depth+1, buf)
		b.fill(c+1, mid, hi, depth+1, buf)
		return
	}
}

// span returns the least and greatest present value of col at idx, and
// false when every one is missing.
func span(col []float32, idx []int32) (lo, hi float32, ok bool) {
	lo, hi = float32(math.Inf(1)), float32(math.Inf(-1))
	for _, i := range idx {
		v := col[i]
		if v != v {
			continue
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi, lo <= hi
}

// partition moves the positions whose value is ≤ thr or missing to the
// front of idx and returns how many there are.
func partition(col []float32, idx []int32, thr float32) int {
	i, k := 0, len(idx)
	for i < k {
		if v := col[idx[i]]; v > thr {
			k--
			idx[i], idx[k] = idx[k], idx[i]
		} else {
			i++
		}
	}
	return i
}

// floor32 returns the largest float32 at or below t.
func floor32(t float64) float32 {
	f := float32(t)
	if float64(f) > t {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}
