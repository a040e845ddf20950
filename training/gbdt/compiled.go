package gbdt

import (
	"math"
	"unsafe"
)

// maxHeapDepth is the deepest tree compiled to the padded heap layout
// (2^depth leaves); deeper trees are walked in the depth-first layout.
const maxHeapDepth = 12

// heapNode is a split node of a compiledTree. A row goes right unless its
// value < threshold, where the value is read from the row's expanded block
// (see expandBlock) at byte offset off: the feature, plus NumFeatures when
// missing values go left, times blockRows·4.
type heapNode struct {
	threshold float32
	off       uint32
}

// blockRows is the number of rows walked together through one tree: their
// expanded values are interleaved, so row k of a block reads node.off + 4k.
const blockRows = 8

// compiledTree is the inference layout of one tree: a complete binary tree
// of its depth in heap order (children of i at 2i+1 and 2i+2), where a leaf
// above the bottom level is repeated under pass-through nodes. Every row then
// takes exactly depth steps, each one comparison without a branch, and the
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
		ct.nodes[h] = heapNode{threshold: n.threshold, off: idx * blockRows * 4}
		fill(2*h+1, level+1, n.left, n.flags&flagLeftLeaf != 0)
		fill(2*h+2, level+1, n.right, n.flags&flagRightLeaf != 0)
	}
	fill(0, 0, 0, len(t.nodes) == 0)
	return ct
}

// expandBlock writes up to blockRows rows of vals (rows of cols values, the
// first F used) into ex (2·F·blockRows values), interleaved: value v of
// feature f of row k goes to ex[f·blockRows+k] with a missing value as +Inf
// (it compares as going right) and to ex[(F+f)·blockRows+k] with a missing
// value as -Inf (going left). Rows past the end of vals are left as they are.
func expandBlock(vals []float32, cols, F int, ex []float32) {
	inf, ninf := float32(math.Inf(1)), float32(math.Inf(-1))
	ex = ex[:2*F*blockRows]
	for k := 0; k < blockRows && (k+1)*cols <= len(vals); k++ {
		row := vals[k*cols : k*cols+F]
		for f, v := range row {
			r, l := v, v
			if v != v {
				r, l = inf, ninf
			}
			ex[f*blockRows+k] = r
			ex[(F+f)*blockRows+k] = l
		}
	}
}

// walk8 walks the eight interleaved rows of an expanded block at r through
// the tree whose heap nodes are at np and leaves at lp, for depth levels,
// and adds each row's leaf value to its margin. The eight walks are
// independent chains of loads that the CPU overlaps; the function is kept
// separate so that their state stays in registers.
//
// It reads through unsafe pointers because bounds checks cost registers the
// eight walks need. Every read is in range by construction, as addMargins
// checks: while walking, i < 2^depth - 1 = len(nodes) (heap order of a
// complete tree), at the end i - len(nodes) < 2^depth = len(leaves), and a
// node's off + 4k lies within the block (compileTree: off is below
// 2·NumFeatures·blockRows·4, the block's size).
//
//go:noinline
func walk8(np, lp, r unsafe.Pointer, depth int, margin *[blockRows]float32) {
	i0, i1, i2, i3, i4, i5, i6, i7 := 0, 0, 0, 0, 0, 0, 0, 0
	for d := depth; d > 0; d-- {
		n0 := (*heapNode)(unsafe.Add(np, 8*i0))
		n1 := (*heapNode)(unsafe.Add(np, 8*i1))
		n2 := (*heapNode)(unsafe.Add(np, 8*i2))
		n3 := (*heapNode)(unsafe.Add(np, 8*i3))
		n4 := (*heapNode)(unsafe.Add(np, 8*i4))
		n5 := (*heapNode)(unsafe.Add(np, 8*i5))
		n6 := (*heapNode)(unsafe.Add(np, 8*i6))
		n7 := (*heapNode)(unsafe.Add(np, 8*i7))
		i0 = 2*i0 + 1 + b2i(*(*float32)(unsafe.Add(r, uintptr(n0.off))) >= n0.threshold)
		i1 = 2*i1 + 1 + b2i(*(*float32)(unsafe.Add(r, uintptr(n1.off)+4)) >= n1.threshold)
		i2 = 2*i2 + 1 + b2i(*(*float32)(unsafe.Add(r, uintptr(n2.off)+8)) >= n2.threshold)
		i3 = 2*i3 + 1 + b2i(*(*float32)(unsafe.Add(r, uintptr(n3.off)+12)) >= n3.threshold)
		i4 = 2*i4 + 1 + b2i(*(*float32)(unsafe.Add(r, uintptr(n4.off)+16)) >= n4.threshold)
		i5 = 2*i5 + 1 + b2i(*(*float32)(unsafe.Add(r, uintptr(n5.off)+20)) >= n5.threshold)
		i6 = 2*i6 + 1 + b2i(*(*float32)(unsafe.Add(r, uintptr(n6.off)+24)) >= n6.threshold)
		i7 = 2*i7 + 1 + b2i(*(*float32)(unsafe.Add(r, uintptr(n7.off)+28)) >= n7.threshold)
	}
	base := 1<<depth - 1
	leaf := func(i int) float32 { return *(*float32)(unsafe.Add(lp, 4*(i-base))) }
	margin[0] += leaf(i0)
	margin[1] += leaf(i1)
	margin[2] += leaf(i2)
	margin[3] += leaf(i3)
	margin[4] += leaf(i4)
	margin[5] += leaf(i5)
	margin[6] += leaf(i6)
	margin[7] += leaf(i7)
}

// b2i converts a bool to 0 or 1 without a branch.
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}

// expandRow writes one row's 2·len(row) values into ex, not interleaved:
// the row with missing values as +Inf, then as -Inf (see expandBlock). A
// node's value is then at byte offset off/blockRows.
func expandRow(row, ex []float32) {
	inf, ninf := float32(math.Inf(1)), float32(math.Inf(-1))
	F := len(row)
	ex = ex[:2*F]
	for f, v := range row {
		r, l := v, v
		if v != v {
			r, l = inf, ninf
		}
		ex[f], ex[F+f] = r, l
	}
}

// walkTrees4 walks one row expanded by expandRow (at r) through four
// compiled trees of equal depth at once and returns their leaf values. The
// unsafe reads are in range for the reasons walk8 gives (off/blockRows is
// below 2·NumFeatures·4, the expanded row's size).
func walkTrees4(a, b, c, d *compiledTree, r unsafe.Pointer) [4]float32 {
	for _, t := range [4]*compiledTree{a, b, c, d} {
		if len(t.nodes) != 1<<a.depth-1 || len(t.leaves) != 1<<a.depth {
			panic("gbdt: malformed compiled tree")
		}
	}
	n0, n1 := unsafe.Pointer(unsafe.SliceData(a.nodes)), unsafe.Pointer(unsafe.SliceData(b.nodes))
	n2, n3 := unsafe.Pointer(unsafe.SliceData(c.nodes)), unsafe.Pointer(unsafe.SliceData(d.nodes))
	i0, i1, i2, i3 := 0, 0, 0, 0
	for k := a.depth; k > 0; k-- {
		h0, h1 := (*heapNode)(unsafe.Add(n0, 8*i0)), (*heapNode)(unsafe.Add(n1, 8*i1))
		h2, h3 := (*heapNode)(unsafe.Add(n2, 8*i2)), (*heapNode)(unsafe.Add(n3, 8*i3))
		i0 = 2*i0 + 1 + b2i(*(*float32)(unsafe.Add(r, uintptr(h0.off/blockRows))) >= h0.threshold)
		i1 = 2*i1 + 1 + b2i(*(*float32)(unsafe.Add(r, uintptr(h1.off/blockRows))) >= h1.threshold)
		i2 = 2*i2 + 1 + b2i(*(*float32)(unsafe.Add(r, uintptr(h2.off/blockRows))) >= h2.threshold)
		i3 = 2*i3 + 1 + b2i(*(*float32)(unsafe.Add(r, uintptr(h3.off/blockRows))) >= h3.threshold)
	}
	base := len(a.nodes)
	return [4]float32{a.leaves[i0-base], b.leaves[i1-base], c.leaves[i2-base], d.leaves[i3-base]}
}
