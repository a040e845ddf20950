package gbdt

import (
	"fmt"
	"math"
	"runtime"
	"unsafe"
)

// maxHeapDepth is the deepest tree compiled to the padded heap layout
// (2^depth leaves); deeper trees are walked in the depth-first layout.
const maxHeapDepth = 12

// heapNode is a split node of a compiledTree: a row goes right unless
// x[index] < threshold, where x is the row expanded by expandRows (index is
// the feature, plus NumFeatures when missing values go left).
type heapNode struct {
	threshold float32
	index     uint32
}

// compiledTree is the inference layout of one tree: a complete binary tree
// of its depth in heap order (children of i at 2i+1 and 2i+2), where a leaf
// above the bottom level is repeated under pass-through nodes. Every row then
// takes exactly depth steps, each one comparison without a branch, so the
// walks of a block's rows overlap in the CPU.
type compiledTree struct {
	depth  int
	nodes  []heapNode // 2^depth - 1
	leaves []float32  // 2^depth
	// deep is set instead of nodes and leaves when depth > maxHeapDepth.
	deep *tree
}

// compileTree builds the inference layout of t for numFeatures features.
func compileTree(t tree, numFeatures int) compiledTree {
	d := t.depth()
	if d > maxHeapDepth {
		return compiledTree{depth: d, deep: &t}
	}
	ct := compiledTree{depth: d, nodes: make([]heapNode, 1<<d-1), leaves: make([]float32, 1<<d)}
	var fill func(h, level int, ref uint32, isLeaf bool)
	fill = func(h, level int, ref uint32, isLeaf bool) {
		if isLeaf {
			k := d - level
			first := (h+1)<<k - 1 - (1<<d - 1)
			for i := 0; i < 1<<k; i++ {
				ct.leaves[first+i] = t.leaves[ref].value
			}
			return
		}
		n := t.nodes[ref]
		idx := n.feature
		if n.flags&flagDefaultLeft != 0 {
			idx += uint32(numFeatures)
		}
		ct.nodes[h] = heapNode{threshold: n.threshold, index: idx}
		fill(2*h+1, level+1, n.left, n.flags&flagLeftLeaf != 0)
		fill(2*h+2, level+1, n.right, n.flags&flagRightLeaf != 0)
	}
	fill(0, 0, 0, len(t.nodes) == 0)
	return ct
}

// leafValue walks the depth-first layout on a raw row: a row goes left when
// value < threshold, a missing value where the node says.
func (t *tree) leafValue(row []float32) float32 {
	if len(t.nodes) == 0 {
		return t.leaves[0].value
	}
	i := uint32(0)
	for {
		n := &t.nodes[i]
		v := row[n.feature]
		left := v < n.threshold
		if v != v {
			left = n.flags&flagDefaultLeft != 0
		}
		if left {
			if n.flags&flagLeftLeaf != 0 {
				return t.leaves[n.left].value
			}
			i = n.left
		} else {
			if n.flags&flagRightLeaf != 0 {
				return t.leaves[n.right].value
			}
			i = n.right
		}
	}
}

// leafValue returns the value of the leaf a raw row falls into.
func (ct *compiledTree) leafValue(row []float32) float32 {
	if ct.deep != nil {
		return ct.deep.leafValue(row)
	}
	var buf [2 * 64]float32
	var ex []float32
	if 2*len(row) <= len(buf) {
		ex = buf[:2*len(row)]
	} else {
		ex = make([]float32, 2*len(row))
	}
	expandRows(row, len(row), len(row), ex)
	return ct.walk(ex)
}

// walk returns the leaf value of one expanded row.
func (ct *compiledTree) walk(ex []float32) float32 {
	nodes := ct.nodes
	i := 0
	for range ct.depth {
		n := nodes[i]
		r := 0
		if !(ex[n.index] < n.threshold) {
			r = 1
		}
		i = 2*i + 1 + r
	}
	return ct.leaves[i-len(nodes)]
}

// expandRows writes each row of vals (rows of cols values, the first F used)
// as 2F values into ex: first the row with missing values as +Inf (they
// compare as going right), then with missing values as -Inf (going left).
func expandRows(vals []float32, cols, F int, ex []float32) {
	inf, ninf := float32(math.Inf(1)), float32(math.Inf(-1))
	for j := 0; j < len(ex)/(2*F); j++ {
		row := vals[j*cols : j*cols+F]
		right := ex[2*F*j : 2*F*j+F]
		left := ex[2*F*j+F : 2*F*j+2*F]
		for f, v := range row {
			r, l := v, v
			if v != v {
				r, l = inf, ninf
			}
			right[f], left[f] = r, l
		}
	}
}

// predictBlockRows is the number of rows walked through one tree before the
// next tree (the tree stays in cache, the rows' walks overlap).
const predictBlockRows = 32

// addMargins adds every tree's leaf to margin[j] for each row j of vals (rows
// of cols values), tree by tree, in float32, as XGBoost accumulates. ex is
// scratch for 2·NumFeatures values per row.
func (m *Model) addMargins(vals []float32, cols int, margin, ex []float32) {
	F := m.numFeatures
	ex = ex[:2*F*len(margin)]
	expandRows(vals, cols, F, ex)
	for t := range m.compiled {
		ct := &m.compiled[t]
		if ct.deep != nil {
			for j := range margin {
				margin[j] += ct.deep.leafValue(vals[j*cols : j*cols+cols])
			}
			continue
		}
		ct.walkBlock(ex, 2*F, margin)
	}
}

// walkBlock adds the tree's leaf value to margin[j] for every expanded row j
// of ex (stride values apart), walking four rows at a time so that their
// independent chains of loads overlap.
//
// The loop reads through unsafe pointers: with bounds checks, Go keeps the
// four walks' state on the stack and the loop runs at half speed. Every read
// is in range by construction: i < len(nodes) while walking (heap order of a
// complete tree of this depth), index < stride (compileTree: feature <
// NumFeatures, plus NumFeatures for missing-left), and the rows read are
// checked against len(ex) before the loop.
func (ct *compiledTree) walkBlock(ex []float32, stride int, margin []float32) {
	nodes, leaves, depth := ct.nodes, ct.leaves, ct.depth
	if len(margin)*stride > len(ex) {
		panic("gbdt: walkBlock: scratch shorter than the block")
	}
	if len(nodes) != 1<<depth-1 || len(leaves) != 1<<depth {
		panic("gbdt: walkBlock: malformed compiled tree")
	}
	np := unsafe.Pointer(unsafe.SliceData(nodes))
	j := 0
	for ; j+4 <= len(margin); j += 4 {
		i0, i1, i2, i3 := walk4(np, unsafe.Pointer(&ex[j*stride]), uintptr(4*stride), depth)
		base := len(nodes)
		margin[j] += leaves[i0-base]
		margin[j+1] += leaves[i1-base]
		margin[j+2] += leaves[i2-base]
		margin[j+3] += leaves[i3-base]
	}
	for ; j < len(margin); j++ {
		margin[j] += ct.walk(ex[j*stride : j*stride+stride])
	}
}

// walk4 walks four expanded rows, rowBytes apart from r0, through the heap
// nodes at np for depth levels and returns their final heap indices. It is a
// separate function so that its few live values stay in registers.
//
//go:noinline
func walk4(np, r0 unsafe.Pointer, rowBytes uintptr, depth int) (i0, i1, i2, i3 int) {
	r1 := unsafe.Add(r0, rowBytes)
	r2 := unsafe.Add(r1, rowBytes)
	r3 := unsafe.Add(r2, rowBytes)
	for ; depth > 0; depth-- {
		n0 := (*heapNode)(unsafe.Add(np, 8*i0))
		n1 := (*heapNode)(unsafe.Add(np, 8*i1))
		n2 := (*heapNode)(unsafe.Add(np, 8*i2))
		n3 := (*heapNode)(unsafe.Add(np, 8*i3))
		i0 = 2*i0 + 1 + b2i(!(*(*float32)(unsafe.Add(r0, 4*uintptr(n0.index))) < n0.threshold))
		i1 = 2*i1 + 1 + b2i(!(*(*float32)(unsafe.Add(r1, 4*uintptr(n1.index))) < n1.threshold))
		i2 = 2*i2 + 1 + b2i(!(*(*float32)(unsafe.Add(r2, 4*uintptr(n2.index))) < n2.threshold))
		i3 = 2*i3 + 1 + b2i(!(*(*float32)(unsafe.Add(r3, 4*uintptr(n3.index))) < n3.threshold))
	}
	return
}

// b2i converts a bool to 0 or 1 without a branch.
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}

// PredictRow returns the probability of one row of NumFeatures values (NaN
// for missing). It panics if row is shorter than NumFeatures, like an
// out-of-range index: check lengths where rows come from input.
func (m *Model) PredictRow(row []float32) float64 {
	margin := [1]float32{m.baseMargin}
	var buf [2 * 64]float32
	ex := buf[:]
	if 2*m.numFeatures > len(buf) {
		ex = make([]float32, 2*m.numFeatures)
	}
	m.addMargins(row[:m.numFeatures], m.numFeatures, margin[:], ex)
	return float64(sigmoid32(margin[0]))
}

// Predict writes the probability of every row of x into out[:x.Rows], using
// every core, each goroutine scoring its own batch of rows in blocks. x must
// have NumFeatures columns and out at least x.Rows elements. Predict
// allocates nothing per row.
func (m *Model) Predict(x *Matrix, out []float64) error {
	if err := x.Validate(); err != nil {
		return err
	}
	if x.Cols != m.numFeatures {
		return fmt.Errorf("gbdt: matrix has %d features, model wants %d", x.Cols, m.numFeatures)
	}
	if len(out) < x.Rows {
		return fmt.Errorf("gbdt: output has room for %d predictions, matrix has %d rows", len(out), x.Rows)
	}
	m.predict(x, runtime.GOMAXPROCS(0), func(lo int, margin []float32) {
		for j, v := range margin {
			out[lo+j] = float64(sigmoid32(v))
		}
	})
	return nil
}

// predict computes the margins of x's rows in blocks on threads goroutines
// and hands each block to emit with the index of its first row.
func (m *Model) predict(x *Matrix, threads int, emit func(lo int, margin []float32)) {
	blocks := (x.Rows + predictBlockRows - 1) / predictBlockRows
	batches := min(threads, blocks)
	forEach(batches, batches, func(_, b int) {
		var buf [predictBlockRows]float32
		ex := make([]float32, 2*m.numFeatures*predictBlockRows)
		for k := b * blocks / batches; k < (b+1)*blocks/batches; k++ {
			lo, hi := k*predictBlockRows, min((k+1)*predictBlockRows, x.Rows)
			margin := buf[:hi-lo]
			for j := range margin {
				margin[j] = m.baseMargin
			}
			m.addMargins(x.Values[lo*x.Cols:hi*x.Cols], x.Cols, margin, ex)
			emit(lo, margin)
		}
	})
}
